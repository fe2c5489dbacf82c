package main

import (
	"context"
	"strings"
	"testing"
)

func TestServeRejectsABadSMTPURLAndNeverPrintsItsPassword(t *testing.T) {
	env, out, errb := testEnv(map[string]string{"MGZ_SMTP_URL": "http://mgz:geheim-wachtwoord@mail.regio.test"})
	if code := run(context.Background(), env, []string{"serve"}); code != 2 || !strings.Contains(errb.String(), "smtp://") {
		t.Fatalf("bad SMTP URL: code %d, stderr %q", code, errb.String())
	}
	env, out, errb = testEnv(map[string]string{"MGZ_SMTP_URL": "smtp://mgz:geheim-wachtwoord@mail.regio.test"})
	run(context.Background(), env, []string{"serve", "--help"})
	if all := out.String() + errb.String(); strings.Contains(all, "geheim-wachtwoord") || !strings.Contains(all, "--smtp-url") && !strings.Contains(all, "-smtp-url") {
		t.Fatalf("help shows the SMTP password, or lacks the flag:\n%s", all)
	}
}
