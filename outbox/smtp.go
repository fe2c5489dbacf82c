package outbox

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTPConfig is how mgz reaches its SMTP server, read from a URL:
//
//	smtp://user:password@host:port   plain SMTP, upgraded with STARTTLS when the server offers it
//	smtp://host:port?tls=required    refuse to send unless STARTTLS succeeds
//	smtps://user:password@host:port  implicit TLS from the first byte (port 465 by default)
//
// The port defaults to 587 for smtp. The sender is ?from=address (default mgz@ the host of
// the public URL). With a user name, mgz signs in with PLAIN, which go-mail sends only over TLS
// (or to localhost); ?auth=login, ?auth=cram-md5, ?auth=scram-sha-256 or ?auth=auto (the
// strongest the server offers over TLS) choose otherwise. The password is never logged: String
// masks it.
type SMTPConfig struct {
	Host        string
	Port        int
	User        string
	Password    string
	ImplicitTLS bool
	RequireTLS  bool
	From        string
	Auth        gomail.SMTPAuthType
	// Timeout bounds one connection (default 30 s).
	Timeout time.Duration
}

// ParseSMTPURL reads an SMTP URL (see SMTPConfig).
func ParseSMTPURL(raw string) (SMTPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return SMTPConfig{}, fmt.Errorf("SMTP-adres is geen URL (smtp://gebruiker:wachtwoord@server:587)")
	}
	var c SMTPConfig
	switch u.Scheme {
	case "smtp":
		c.Port = 587
	case "smtps":
		c.Port, c.ImplicitTLS = 465, true
	default:
		return c, fmt.Errorf("SMTP-adres begint met smtp:// of smtps://, niet %q", u.Scheme+"://")
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return c, fmt.Errorf("SMTP-adres noemt geen server (smtp://server:587)")
	}
	if p := u.Port(); p != "" {
		if c.Port, err = strconv.Atoi(p); err != nil || c.Port <= 0 || c.Port > 65535 {
			return c, fmt.Errorf("SMTP-adres heeft een ongeldige poort %q", p)
		}
	}
	if u.User != nil {
		c.User = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	q := u.Query()
	switch q.Get("tls") {
	case "", "opportunistic":
	case "required":
		c.RequireTLS = true
	default:
		return c, fmt.Errorf("SMTP-adres: tls=%q, kies required of laat weg", q.Get("tls"))
	}
	c.From = q.Get("from")
	switch q.Get("auth") {
	case "", "plain":
		c.Auth = gomail.SMTPAuthPlain
	case "login":
		c.Auth = gomail.SMTPAuthLogin
	case "cram-md5":
		c.Auth = gomail.SMTPAuthCramMD5
	case "scram-sha-256":
		c.Auth = gomail.SMTPAuthSCRAMSHA256
	case "auto":
		c.Auth = gomail.SMTPAuthAutoDiscover
	default:
		return c, fmt.Errorf("SMTP-adres: auth=%q, kies plain, login, cram-md5, scram-sha-256 of auto", q.Get("auth"))
	}
	return c, nil
}

// String is the configuration with the password masked, to print at start.
func (c SMTPConfig) String() string {
	scheme := "smtp"
	if c.ImplicitTLS {
		scheme = "smtps"
	}
	u := url.URL{Scheme: scheme, Host: c.Host + ":" + strconv.Itoa(c.Port)}
	if c.User != "" {
		u.User = url.UserPassword(c.User, "xxxxx")
		if c.Password == "" {
			u.User = url.User(c.User)
		}
	}
	q := url.Values{}
	if c.RequireTLS {
		q.Set("tls", "required")
	}
	if c.From != "" {
		q.Set("from", c.From)
	}
	if c.User != "" && c.Auth != gomail.SMTPAuthPlain && c.Auth != "" {
		q.Set("auth", strings.ToLower(string(c.Auth)))
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// SMTP sends messages through an SMTP server with go-mail, one connection per message.
type SMTP struct {
	cfg SMTPConfig
}

// NewSMTP returns a Sender for cfg. A From left empty becomes mgz@domain.
func NewSMTP(cfg SMTPConfig, domain string) *SMTP {
	if cfg.From == "" {
		cfg.From = "mgz@" + domain
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Auth == "" {
		cfg.Auth = gomail.SMTPAuthPlain
	}
	return &SMTP{cfg: cfg}
}

func (s *SMTP) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(s.cfg.Timeout)}
	switch {
	case s.cfg.ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case s.cfg.RequireTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.cfg.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(s.cfg.Auth), gomail.WithUsername(s.cfg.User), gomail.WithPassword(s.cfg.Password))
	}
	return gomail.NewClient(s.cfg.Host, opts...)
}

// Send implements Sender.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return fmt.Errorf("afzender %q: %w", s.cfg.From, err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("ongeldig e-mailadres van de ontvanger: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.ID)
	msg.SetDateWithValue(m.Date)
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	c, err := s.client()
	if err != nil {
		return err
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("SMTP-server %s:%d: %s", s.cfg.Host, s.cfg.Port, strings.TrimSpace(err.Error()))
	}
	return nil
}
