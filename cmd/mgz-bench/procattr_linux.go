package main

import (
	"os/exec"
	"syscall"
)

// orphanGuard makes the kernel stop a server the harness started when the harness dies without
// stopping it (kill -9), so no mgz serve is left holding the database.
func orphanGuard(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
