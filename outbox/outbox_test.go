package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/outbox"
	"github.com/regio-mgz/mgz/sqlstore"
)

// smtpServer is a real SMTP server (go-smtp) on 127.0.0.1 that counts what it receives per
// Message-ID. It can be stopped and started again on the same address.
type smtpServer struct {
	t          *testing.T
	addr       string
	user, pass string
	mu         sync.Mutex
	srv        *smtp.Server
	l          net.Listener
	received   map[string]int    // Message-ID → copies received
	bodies     map[string]string // Message-ID → decoded message (headers and body)
	reject     map[string]bool   // recipients answered 550
	got        chan string       // each Message-ID received, when set
}

func startSMTP(t *testing.T, user, pass string) *smtpServer {
	t.Helper()
	s := &smtpServer{t: t, addr: "127.0.0.1:0", user: user, pass: pass, received: map[string]int{}, bodies: map[string]string{}, reject: map[string]bool{}}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *smtpServer) start() {
	s.t.Helper()
	l, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.t.Fatalf("SMTP server listen on %s: %v", s.addr, err)
	}
	s.addr = l.Addr().String()
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	s.mu.Lock()
	s.srv, s.l = srv, l
	s.mu.Unlock()
	go srv.Serve(l)
}

// stop closes the listener and every connection: the server is down.
func (s *smtpServer) stop() {
	s.mu.Lock()
	srv, l := s.srv, s.l
	s.srv, s.l = nil, nil
	s.mu.Unlock()
	if srv != nil {
		// Closing the listener ourselves: Serve may not have registered it with the server yet.
		l.Close()
		srv.Close()
	}
}

func (s *smtpServer) url() string {
	if s.user != "" {
		return fmt.Sprintf("smtp://%s:%s@%s", s.user, s.pass, s.addr)
	}
	return "smtp://" + s.addr
}

func (s *smtpServer) copies() (total int, twice []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, n := range s.received {
		total += n
		if n > 1 {
			twice = append(twice, id)
		}
	}
	return total, twice
}

type session struct {
	s    *smtpServer
	auth bool
}

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }
func (x *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != x.s.user || pass != x.s.pass {
			return errors.New("wrong user name or password")
		}
		x.auth = true
		return nil
	}), nil
}
func (x *session) Mail(string, *smtp.MailOptions) error {
	if x.s.user != "" && !x.auth {
		return smtp.ErrAuthRequired
	}
	return nil
}
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.reject[to] {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "mailbox unavailable"}
	}
	return nil
}
func (x *session) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	var body io.Reader = m.Body
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(m.Body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	id := m.Header.Get("Message-Id")
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	x.s.received[id]++
	x.s.bodies[id] = "Subject: " + subject + "\n\n" + string(b)
	if x.s.got != nil {
		x.s.got <- id
	}
	return nil
}
func (x *session) Reset()        {}
func (x *session) Logout() error { return nil }

// clock is the mailer's clock, moved by the test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// region is a database with one practice and its users, each notice of which queues a mail per user.
type region struct {
	path string
	db   *sqlstore.DB
	org  mgz.Organisation
}

func newRegion(t *testing.T, users ...string) *region {
	t.Helper()
	ctx := context.Background()
	r := &region{path: filepath.Join(t.TempDir(), "mgz.db")}
	r.open(t)
	r.org = mgz.Organisation{Kind: mgz.KindGPPractice, Name: "Praktijk De Post", AGB: "01000055", KvK: "12345678", Address: "Dorpsstraat 1",
		Postcode: "1234ab", City: "Voorbeeld", Phone: "030-1234567", CareOfficeRegion: "Voorbeeld"}
	if err := r.db.Store().Register().CreateOrganisation(ctx, &r.org); err != nil {
		t.Fatal(err)
	}
	for _, email := range users {
		if err := r.db.Store().Accounts().CreateUser(ctx, &mgz.User{OrganisationID: r.org.ID, Email: email, Name: "Gebruiker",
			Roles: []mgz.UserRole{mgz.RoleViewer}}, "x"); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func (r *region) open(t *testing.T) {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), r.path)
	if err != nil {
		t.Fatal(err)
	}
	r.db = db
	t.Cleanup(func() { db.Close() })
}

// notice adds a notice about a client, whose subject names the client (as no subject should;
// the mail must not carry it either way).
func (r *region) notice(t *testing.T, n int) {
	t.Helper()
	for i := range n {
		x := &mgz.Notice{OrganisationID: r.org.ID, Kind: mgz.NoticeSwitchRequest, Subject: fmt.Sprintf("Mevrouw Jansen-%d, BSN 123456782, is gevallen", i),
			Link: fmt.Sprintf("/overstappen/%d", i+1), ObjectType: "patient", ObjectID: int64(i + 1)}
		if _, err := r.db.Store().Notices().Add(context.Background(), x); err != nil {
			t.Fatal(err)
		}
	}
}

func (r *region) mailer(t *testing.T, srv *smtpServer, c *clock, cfg outbox.Config) *outbox.Mailer {
	t.Helper()
	sc, err := outbox.ParseSMTPURL(srv.url())
	if err != nil {
		t.Fatal(err)
	}
	sc.Timeout = 5 * time.Second
	cfg.PublicURL, cfg.Now = "https://mgz.regio.test/", c.now
	return outbox.New(r.db.Store().Outbox(), outbox.NewSMTP(sc, "mgz.regio.test"), cfg)
}

func runOnce(t *testing.T, m *outbox.Mailer) (int, int) {
	t.Helper()
	sent, failed, err := m.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	return sent, failed
}

func TestMailIsDeliveredWithOnlyTheKindAndALink(t *testing.T) {
	srv := startSMTP(t, "mgz", "geheim-wachtwoord")
	r := newRegion(t, "arts@praktijk.test")
	r.notice(t, 1)
	c := &clock{t: time.Now().UTC()}
	m := r.mailer(t, srv, c, outbox.Config{})
	if sent, failed := runOnce(t, m); sent != 1 || failed != 0 {
		ms, _, _ := r.db.Store().Outbox().Mails(context.Background(), mgz.OutboxFilter{})
		t.Fatalf("RunOnce sent %d, failed %d; want 1 sent (%+v)", sent, failed, ms)
	}
	total, _ := srv.copies()
	if total != 1 {
		t.Fatalf("server received %d messages, want 1", total)
	}
	for id, msg := range srv.bodies {
		if !strings.HasPrefix(id, "<mgz-outbox-") || !strings.HasSuffix(id, "@mgz.regio.test>") {
			t.Errorf("Message-ID %q is not derived from the outbox row", id)
		}
		for _, want := range []string{"Subject: Er staat iets voor u klaar in mgz", mgz.NoticeSwitchRequest.Label(), "https://mgz.regio.test/overstappen/1"} {
			if !strings.Contains(msg, want) {
				t.Errorf("mail lacks %q:\n%s", want, msg)
			}
		}
		for _, never := range []string{"Jansen", "123456782", "gevallen", "patient"} {
			if strings.Contains(msg, never) {
				t.Errorf("mail holds %q, from the notice's subject or object:\n%s", never, msg)
			}
		}
	}
	if sent, _ := runOnce(t, m); sent != 0 {
		t.Fatalf("a second round sent %d again", sent)
	}
}

func TestMailWaitsForAServerThatIsDownAndArrivesOnceAfterRecovery(t *testing.T) {
	srv := startSMTP(t, "", "")
	srv.stop() // down before the first attempt
	r := newRegion(t, "a@praktijk.test", "b@praktijk.test")
	r.notice(t, 1)
	c := &clock{t: time.Now().UTC()}
	m := r.mailer(t, srv, c, outbox.Config{})
	ctx := context.Background()
	for attempt, wait := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute} {
		if sent, failed := runOnce(t, m); sent != 0 || failed != 2 {
			t.Fatalf("attempt %d with the server down: sent %d, failed %d; want 2 failed", attempt+1, sent, failed)
		}
		ms, _, err := r.db.Store().Outbox().Mails(ctx, mgz.OutboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ms {
			if x.Attempts != attempt+1 || x.LastError == "" || x.SentAt != nil || x.FailedAt != nil || !x.NextAttemptAt.Equal(c.now().Add(wait).Truncate(time.Millisecond)) {
				t.Fatalf("after attempt %d: %+v; want the error recorded and the next attempt %s later", attempt+1, x, wait)
			}
		}
		if sent, failed := runOnce(t, m); sent+failed != 0 {
			t.Fatalf("a mail was tried again before its backoff ended")
		}
		c.advance(wait)
	}
	srv.start()
	if sent, failed := runOnce(t, m); sent != 2 || failed != 0 {
		t.Fatalf("after recovery: sent %d, failed %d; want both mails sent", sent, failed)
	}
	c.advance(24 * time.Hour)
	if sent, _ := runOnce(t, m); sent != 0 {
		t.Fatalf("a later round sent %d again", sent)
	}
	if total, twice := srv.copies(); total != 2 || len(twice) != 0 {
		t.Fatalf("server received %d messages (twice: %v), want each of 2 once", total, twice)
	}
	st, err := r.db.Store().Outbox().Status(ctx, 0)
	if err != nil || st.Pending != 0 || st.Failed != 0 {
		t.Fatalf("status %+v, %v; want nothing waiting", st, err)
	}
}

func TestOutboxSurvivesARestartAndAClaimWhoseWorkerDied(t *testing.T) {
	srv := startSMTP(t, "", "")
	r := newRegion(t, "a@praktijk.test", "b@praktijk.test", "c@praktijk.test")
	r.notice(t, 1) // three mails
	c := &clock{t: time.Now().UTC()}
	lease := 5 * time.Minute
	if sent, _ := runOnce(t, r.mailer(t, srv, c, outbox.Config{Batch: 1, Lease: lease})); sent != 1 {
		t.Fatalf("first worker sent %d, want 1", sent)
	}
	// A second worker claims a mail and dies before sending it; then the process stops.
	claimed, err := r.db.Store().Outbox().Claim(context.Background(), c.now(), lease, 1)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	if err := r.db.Close(); err != nil {
		t.Fatal(err)
	}

	r.open(t) // the restart
	m := r.mailer(t, srv, c, outbox.Config{Lease: lease})
	if sent, _ := runOnce(t, m); sent != 1 {
		t.Fatalf("after the restart %d sent, want the one mail nobody had claimed", sent)
	}
	c.advance(lease)
	if sent, _ := runOnce(t, m); sent != 1 {
		t.Fatalf("after the dead worker's lease %d sent, want its mail", sent)
	}
	c.advance(time.Hour)
	if sent, _ := runOnce(t, m); sent != 0 {
		t.Fatalf("a later round sent %d again", sent)
	}
	if total, twice := srv.copies(); total != 3 || len(twice) != 0 {
		t.Fatalf("server received %d messages (twice: %v), want each of 3 once", total, twice)
	}
}

func TestTwoWorkersNeverSendOneMailTwice(t *testing.T) {
	srv := startSMTP(t, "", "")
	var users []string
	for i := range 10 {
		users = append(users, fmt.Sprintf("u%d@praktijk.test", i))
	}
	r := newRegion(t, users...)
	r.notice(t, 3) // 30 mails
	c := &clock{t: time.Now().UTC()}
	// Two instances: each its own connection pool to the same database file.
	other, err := sqlstore.Open(context.Background(), r.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	sc, _ := outbox.ParseSMTPURL(srv.url())
	workers := []*outbox.Mailer{
		r.mailer(t, srv, c, outbox.Config{Batch: 3}),
		outbox.New(other.Store().Outbox(), outbox.NewSMTP(sc, "mgz.regio.test"), outbox.Config{Batch: 3, Now: c.now, PublicURL: "https://mgz.regio.test"}),
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(workers))
	for _, w := range workers {
		wg.Go(func() {
			for {
				sent, _, err := w.RunOnce(context.Background())
				if err != nil {
					errs <- err
					return
				}
				if sent == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if total, twice := srv.copies(); total != 30 || len(twice) != 0 {
		t.Fatalf("server received %d messages (twice: %v), want each of 30 once", total, twice)
	}
}

func TestAMailThatKeepsFailingIsMarkedFailedAndCanBeRetried(t *testing.T) {
	srv := startSMTP(t, "", "")
	srv.reject["weg@praktijk.test"] = true
	r := newRegion(t, "weg@praktijk.test")
	r.notice(t, 1)
	c := &clock{t: time.Now().UTC()}
	m := r.mailer(t, srv, c, outbox.Config{MaxAttempts: 3})
	ctx := context.Background()
	for i := range 3 {
		if _, failed := runOnce(t, m); failed != 1 {
			t.Fatalf("attempt %d did not fail", i+1)
		}
		c.advance(time.Hour)
	}
	ms, _, err := r.db.Store().Outbox().Mails(ctx, mgz.OutboxFilter{})
	if err != nil || len(ms) != 1 || ms[0].FailedAt == nil || ms[0].Attempts != 3 || !strings.Contains(ms[0].LastError, "550") {
		t.Fatalf("after 3 attempts: %+v, %v; want failed for good with the server's answer", ms, err)
	}
	if st, _ := r.db.Store().Outbox().Status(ctx, r.org.ID); st.Failed != 1 || st.Pending != 0 {
		t.Fatalf("status %+v, want 1 failed", st)
	}
	c.advance(24 * time.Hour)
	if sent, failed := runOnce(t, m); sent+failed != 0 {
		t.Fatalf("a failed mail was tried again by itself")
	}
	// The admin's "Opnieuw proberen", once the address works.
	srv.mu.Lock()
	delete(srv.reject, "weg@praktijk.test")
	srv.mu.Unlock()
	if err := r.db.Store().Outbox().Retry(ctx, ms[0].ID, c.now()); err != nil {
		t.Fatal(err)
	}
	if sent, _ := runOnce(t, m); sent != 1 {
		t.Fatalf("after retry sent %d, want 1", sent)
	}
	if total, _ := srv.copies(); total != 1 {
		t.Fatalf("server received %d, want 1", total)
	}
}

func TestBackoffDoublesUpToAnHour(t *testing.T) {
	m := outbox.New(nil, nil, outbox.Config{})
	for attempt, want := range map[int]time.Duration{1: time.Minute, 2: 2 * time.Minute, 3: 4 * time.Minute, 6: 32 * time.Minute, 7: time.Hour, 12: time.Hour} {
		if got := m.Backoff(attempt); got != want {
			t.Errorf("Backoff(%d) = %s, want %s", attempt, got, want)
		}
	}
}

func TestParseSMTPURLMasksThePassword(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		err      bool
	}{
		{"smtp://mgz:geheim@mail.regio.test", "smtp://mgz:xxxxx@mail.regio.test:587", false},
		{"smtps://mgz:geheim@mail.regio.test", "smtps://mgz:xxxxx@mail.regio.test:465", false},
		{"smtp://mail.regio.test:25?tls=required&from=mgz@regio.test", "smtp://mail.regio.test:25?from=mgz%40regio.test&tls=required", false},
		{"http://mail.regio.test", "", true},
		{"smtp://:25", "", true},
		{"smtp://mail.regio.test?tls=soms", "", true},
	} {
		c, err := outbox.ParseSMTPURL(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("ParseSMTPURL(%q) error %v, want error %v", tc.in, err, tc.err)
			continue
		}
		if err == nil && c.String() != tc.want {
			t.Errorf("ParseSMTPURL(%q).String() = %q, want %q", tc.in, c.String(), tc.want)
		}
		if strings.Contains(c.String(), "geheim") {
			t.Errorf("String() shows the password: %q", c.String())
		}
	}
}

func TestRunDeliversUntilItsContextEnds(t *testing.T) {
	srv := startSMTP(t, "", "")
	srv.got = make(chan string, 10)
	r := newRegion(t, "a@praktijk.test")
	c := &clock{t: time.Now().UTC()}
	m := r.mailer(t, srv, c, outbox.Config{Every: 10 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); m.Run(ctx) }()
	r.notice(t, 1) // queued while the mailer runs
	c.advance(time.Minute)
	id := <-srv.got
	cancel()
	<-done
	if total, _ := srv.copies(); total != 1 || id == "" {
		t.Fatalf("server received %d messages, want 1", total)
	}
}
