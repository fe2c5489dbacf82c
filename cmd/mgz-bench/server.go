package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// process is a server the harness started: mgz serve or the ceiling handler.
type process struct {
	cmd  *exec.Cmd
	URL  string // http://127.0.0.1:port
	done chan struct{}
	// warnings and errs count the server's log lines of those levels (kept in the log file).
	warnings atomic.Int64
	errs     atomic.Int64
}

var reURL = regexp.MustCompile(`https?://[^\s]+`)

// startProcess runs name with args, reads the first URL it prints on stdout as its address, and
// waits until path answers 200. Its stderr goes to logFile, all but the request lines (so a long
// run does not fill the disk), and its warnings and errors are counted.
func startProcess(ctx context.Context, name string, args []string, logFile, readyPath string) (*process, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = os.Environ()
	orphanGuard(cmd)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	logW := io.Discard
	var lf *os.File
	if logFile != "" {
		if lf, err = os.Create(logFile); err != nil {
			return nil, err
		}
		logW = lf
	}
	if err := cmd.Start(); err != nil {
		if lf != nil {
			lf.Close()
		}
		return nil, fmt.Errorf("%s starten: %w", name, err)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.Contains(line, "level=ERROR"), strings.Contains(line, `"level":"ERROR"`):
				p.errs.Add(1)
			case strings.Contains(line, "level=WARN"), strings.Contains(line, `"level":"WARN"`):
				p.warnings.Add(1)
			case strings.Contains(line, "msg=request "):
				continue
			}
			fmt.Fprintln(logW, line)
		}
	}()
	urlc := make(chan string, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			if u := reURL.FindString(sc.Text()); u != "" && !sent {
				urlc <- u
				sent = true
			}
		}
		if !sent {
			close(urlc)
		}
	}()
	go func() {
		wg.Wait()
		_ = cmd.Wait()
		if lf != nil {
			lf.Close()
		}
		close(p.done)
	}()
	select {
	case u, ok := <-urlc:
		if !ok {
			<-p.done
			return nil, fmt.Errorf("%s stopte zonder adres te noemen (%v); zie %s", name, cmd.ProcessState, logFile)
		}
		p.URL = strings.TrimRight(u, "/")
	case <-time.After(10 * time.Minute):
		p.stop()
		return nil, fmt.Errorf("%s noemde na 10 minuten nog geen adres", name)
	case <-ctx.Done():
		p.stop()
		return nil, ctx.Err()
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := http.Get(p.URL + readyPath)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			p.stop()
			return nil, fmt.Errorf("%s%s antwoordt niet met 200", p.URL, readyPath)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Pid is the server's process id, for its memory in /proc.
func (p *process) Pid() int { return p.cmd.Process.Pid }

// stop asks the server to finish (SIGINT, as Ctrl+C) and kills it after 30 s.
func (p *process) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// memory reads the resident set size and its peak (VmRSS, VmHWM) of pid from /proc, in bytes.
func memory(pid int) (rss, peak int64, err error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, err
	}
	return parseProcStatus(b)
}

func parseProcStatus(b []byte) (rss, peak int64, err error) {
	found := 0
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			return 0, 0, fmt.Errorf("onverwachte regel in /proc/…/status: %q", line)
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, 0, err
		}
		if k == "VmRSS" {
			rss = n << 10
		} else {
			peak = n << 10
		}
		found++
	}
	if found != 2 {
		return 0, 0, errors.New("VmRSS of VmHWM ontbreekt in /proc/…/status")
	}
	return rss, peak, nil
}

// createToken makes a bearer token for email with mgz token create.
func createToken(ctx context.Context, mgzBin, db, email string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, mgzBin, "token", "create", "--db", db, "--email", email, "--name", "bench")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("token voor %s: %v: %s", email, err, strings.TrimSpace(stderr.String()))
	}
	lines := strings.Fields(stdout.String())
	if len(lines) == 0 {
		return "", fmt.Errorf("token voor %s: mgz token create gaf geen token", email)
	}
	return lines[len(lines)-1], nil
}

// client calls mgz as one user: with a bearer token, or with a session cookie for pages.
type client struct {
	base   string
	token  string
	cookie string
	hc     *http.Client
}

func newClient(base, token string) *client {
	return &client{base: base, token: token, hc: &http.Client{Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// header is what every request of this user carries.
func (c *client) header() map[string]string {
	h := map[string]string{}
	if c.token != "" {
		h["Authorization"] = "Bearer " + c.token
	}
	if c.cookie != "" {
		h["Cookie"] = c.cookie
	}
	return h
}

// do sends one request and returns the status and body.
func (c *client) do(ctx context.Context, method, path, body string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	for k, v := range c.header() {
		req.Header.Set(k, v)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// getJSON reads path into v and insists on 200.
func (c *client) getJSON(ctx context.Context, path string, v any) error {
	status, b, err := c.do(ctx, http.MethodGet, path, "")
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("GET %s: status %d: %.200s", path, status, b)
	}
	return json.Unmarshal(b, v)
}

// login signs in on the website (POST /inloggen needs no CSRF token: there is no session yet)
// and returns a client with the session cookie.
func login(ctx context.Context, base, email, password string) (*client, error) {
	c := newClient(base, "")
	form := url.Values{"email": {email}, "password": {password}, "terug": {"/"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/inloggen", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("inloggen als %s: status %d", email, resp.StatusCode)
	}
	for _, ck := range resp.Cookies() {
		if ck.Value != "" {
			c.cookie = ck.Name + "=" + ck.Value
			return c, nil
		}
	}
	return nil, fmt.Errorf("inloggen als %s: geen sessiecookie", email)
}

// runCeiling is the ceiling mode: the smallest net/http handler that reads a JSON request and
// answers a small JSON object, to measure what this machine and wrk manage without mgz.
func runCeiling(args []string) int {
	addr := "127.0.0.1:0"
	if len(args) == 2 && args[0] == "--addr" {
		addr = args[1]
	} else if len(args) != 0 {
		fmt.Fprintln(os.Stderr, "Gebruik: mgz-bench ceiling [--addr HOST:PORT]")
		return 2
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mgz-bench ceiling:", err)
		return 1
	}
	type answer struct {
		OK    bool `json:"ok"`
		Bytes int  `json:"bytes"`
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_ = json.NewEncoder(w).Encode(answer{OK: true, Bytes: len(b)})
	})
	fmt.Printf("plafond luistert op http://%s\n", ln.Addr())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signalContext()
	defer stop()
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "mgz-bench ceiling:", err)
		return 1
	}
	return 0
}
