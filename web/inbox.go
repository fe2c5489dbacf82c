package web

import (
	"net/http"

	"github.com/regio-mgz/mgz"
)

// The organisation's inbox (issue 11) and, for admins, the e-mails mgz sends about it.

func (s *Server) inboxRoutes() []route {
	return []route{
		{"GET", "/api/v1/inbox", s.apiInbox},
		{"POST", "/api/v1/inbox/read", s.apiInboxReadAll},
		{"POST", "/api/v1/inbox/{id}/read", s.apiInboxRead},
		{"GET", "/api/v1/mail-outbox", s.apiOutbox},
		{"POST", "/api/v1/mail-outbox/{id}/retry", s.apiOutboxRetry},
	}
}

func (s *Server) inboxPageRoutes() []route {
	return []route{
		{"GET", "/berichten", s.pageInbox},
		{"POST", "/berichten/gelezen", s.pageInboxReadAll},
		{"POST", "/berichten/{id}/gelezen", s.pageInboxRead},
		{"GET", "/e-mail", s.pageOutbox},
		{"POST", "/e-mail/{id}/opnieuw", s.pageOutboxRetry},
	}
}

func (s *Server) apiInbox(w http.ResponseWriter, r *http.Request) error {
	q := newQueryParams(r)
	f := mgz.NoticeFilter{Unread: q.bool("unread"), Before: q.int("before"), Page: q.page()}
	if err := q.err(); err != nil {
		return err
	}
	ns, total, err := s.cfg.Service.Inbox(r.Context(), actorOf(r), f)
	return writeList(w, ns, total, f.Page, err)
}

func (s *Server) apiInboxRead(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Bericht")
	if err != nil {
		return err
	}
	if err := s.cfg.Service.MarkNoticeRead(r.Context(), actorOf(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiInboxReadAll(w http.ResponseWriter, r *http.Request) error {
	n, err := s.cfg.Service.MarkAllNoticesRead(r.Context(), actorOf(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Marked int `json:"marked"`
	}{n})
	return nil
}

func (s *Server) apiOutbox(w http.ResponseWriter, r *http.Request) error {
	q := newQueryParams(r)
	f := mgz.OutboxFilter{Unsent: q.bool("unsent"), Page: q.page()}
	if err := q.err(); err != nil {
		return err
	}
	ms, total, err := s.cfg.Service.OutboxMails(r.Context(), actorOf(r), f)
	return writeList(w, ms, total, f.Page, err)
}

func (s *Server) apiOutboxRetry(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "E-mail")
	if err != nil {
		return err
	}
	if err := s.cfg.Service.RetryMail(r.Context(), actorOf(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ---- pages ----

type inboxPageData struct {
	Unread []mgz.Notice
	// UnreadTotal counts all unread notices; Unread shows at most mgz.MaxLimit of them.
	UnreadTotal int
	Read        []mgz.Notice
	Pager       pager
}

var inboxNotices = map[string]string{
	"gelezen":       "Het bericht is als gelezen gemarkeerd.",
	"alles-gelezen": "Alle berichten zijn als gelezen gemarkeerd.",
	"opnieuw":       "De e-mail staat weer klaar om te worden verzonden.",
}

func (s *Server) pageInbox(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	d := inboxPageData{}
	var err error
	if d.Unread, d.UnreadTotal, err = s.cfg.Service.Inbox(r.Context(), a, mgz.NoticeFilter{Unread: true, Page: mgz.Page{Limit: mgz.MaxLimit}}); err != nil {
		return err
	}
	f := mgz.NoticeFilter{Read: true, Page: listPage(r)}
	var total int
	if d.Read, total, err = s.cfg.Service.Inbox(r.Context(), a, f); err != nil {
		return err
	}
	d.Pager = newPager(r, f.Page, len(d.Read), total)
	s.render(w, r, http.StatusOK, "inbox", pageData{Title: "Berichten", Nav: "berichten", Data: d, Notice: inboxNotices[r.URL.Query().Get("melding")]})
	return nil
}

func (s *Server) pageInboxRead(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Bericht")
	if err != nil {
		return err
	}
	if err := s.cfg.Service.MarkNoticeRead(r.Context(), actorOf(r), id); err != nil {
		return err
	}
	redirect(w, r, "/berichten", "gelezen")
	return nil
}

func (s *Server) pageInboxReadAll(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.cfg.Service.MarkAllNoticesRead(r.Context(), actorOf(r)); err != nil {
		return err
	}
	redirect(w, r, "/berichten", "alles-gelezen")
	return nil
}

type outboxPageData struct {
	Configured bool
	Region     bool
	Status     mgz.OutboxStatus
	Mails      []mgz.OutboxMail
	Pager      pager
}

func (s *Server) pageOutbox(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	st, err := s.cfg.Service.OutboxStatus(r.Context(), a)
	if err != nil {
		return err
	}
	f := mgz.OutboxFilter{Page: listPage(r)}
	ms, total, err := s.cfg.Service.OutboxMails(r.Context(), a, f)
	if err != nil {
		return err
	}
	d := outboxPageData{Configured: s.cfg.MailEnabled, Region: a.OrgKind == mgz.KindRegionalGPOrg, Status: st, Mails: ms,
		Pager: newPager(r, f.Page, len(ms), total)}
	s.render(w, r, http.StatusOK, "outbox", pageData{Title: "E-mail uit mgz", Nav: "e-mail", Data: d, Notice: inboxNotices[r.URL.Query().Get("melding")]})
	return nil
}

func (s *Server) pageOutboxRetry(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "E-mail")
	if err != nil {
		return err
	}
	if err := s.cfg.Service.RetryMail(r.Context(), actorOf(r), id); err != nil {
		return err
	}
	redirect(w, r, "/e-mail", "opnieuw")
	return nil
}
