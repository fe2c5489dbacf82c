package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// A practice switch (issue 9) is a request the current practice confirms or objects to, or that
// completes by itself after the region's period; both practices see it and its outcome.

func (s *Server) switchRoutes() []route {
	return []route{
		{"GET", "/api/v1/switch-requests", s.apiSwitchRequests},
		{"GET", "/api/v1/switch-requests/{id}", s.apiSwitchRequest},
		{"POST", "/api/v1/switch-requests/{id}/confirm", s.apiConfirmSwitch},
		{"POST", "/api/v1/switch-requests/{id}/object", s.apiObjectSwitch},
		{"POST", "/api/v1/switch-requests/{id}/withdraw", s.apiWithdrawSwitch},
		{"GET", "/api/v1/patients/{id}/switch-requests", s.apiPatientSwitchRequests},
		{"GET", "/api/v1/patients/{id}/lead-changes", s.apiLeadChanges},
		{"GET", "/api/v1/settings/switch", s.apiSwitchSettings},
		{"PUT", "/api/v1/settings/switch", s.apiSetSwitchSettings},
	}
}

func (s *Server) switchPageRoutes() []route {
	return []route{
		{"GET", "/overstappen", s.pageSwitches},
		{"GET", "/overstappen/{id}", s.pageSwitch},
		{"POST", "/overstappen/{id}/bevestigen", s.pageSwitchConfirm},
		{"POST", "/overstappen/{id}/bezwaar", s.pageSwitchObject},
		{"POST", "/overstappen/{id}/intrekken", s.pageSwitchWithdraw},
	}
}

func (s *Server) apiSwitchRequests(w http.ResponseWriter, r *http.Request) error {
	q := newQueryParams(r)
	f := mgz.SwitchFilter{State: mgz.SwitchState(q.str("state")), Page: q.page()}
	if f.State != "" && !mgz.SwitchStates.Valid(f.State) {
		q.errs["state"] = "Kies een van: " + mgz.SwitchStates.Codes() + "."
	}
	if err := q.err(); err != nil {
		return err
	}
	srs, total, err := s.cfg.Service.SwitchRequests(r.Context(), actorOf(r), f)
	return writeList(w, srs, total, f.Page, err)
}

func (s *Server) apiSwitchRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Overstapverzoek")
	if err != nil {
		return err
	}
	sr, err := s.cfg.Service.SwitchRequest(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sr)
	return nil
}

// switchDecision runs confirm, object or withdraw for the API.
func (s *Server) switchDecision(w http.ResponseWriter, r *http.Request, decide func(id int64, reason string) (mgz.SwitchRequest, error), withReason bool) error {
	id, err := pathID(r, "Overstapverzoek")
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if withReason || r.ContentLength > 0 {
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
	}
	sr, err := decide(id, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sr)
	return nil
}

func (s *Server) apiConfirmSwitch(w http.ResponseWriter, r *http.Request) error {
	return s.switchDecision(w, r, func(id int64, _ string) (mgz.SwitchRequest, error) {
		return s.cfg.Service.ConfirmSwitch(r.Context(), actorOf(r), id)
	}, false)
}

func (s *Server) apiObjectSwitch(w http.ResponseWriter, r *http.Request) error {
	return s.switchDecision(w, r, func(id int64, reason string) (mgz.SwitchRequest, error) {
		return s.cfg.Service.ObjectSwitch(r.Context(), actorOf(r), id, reason)
	}, true)
}

func (s *Server) apiWithdrawSwitch(w http.ResponseWriter, r *http.Request) error {
	return s.switchDecision(w, r, func(id int64, _ string) (mgz.SwitchRequest, error) {
		return s.cfg.Service.WithdrawSwitch(r.Context(), actorOf(r), id)
	}, false)
}

func (s *Server) apiPatientSwitchRequests(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Patiënt")
	if err != nil {
		return err
	}
	srs, err := s.cfg.Service.PatientSwitchRequests(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[mgz.SwitchRequest]{Items: srs, Total: len(srs), Limit: len(srs), Offset: 0})
	return nil
}

func (s *Server) apiLeadChanges(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Patiënt")
	if err != nil {
		return err
	}
	cs, err := s.cfg.Service.LeadChanges(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[mgz.LeadChange]{Items: cs, Total: len(cs), Limit: len(cs), Offset: 0})
	return nil
}

// switchSettings is the region's switch setting in the API.
type switchSettings struct {
	PeriodDays int `json:"switch_period_days"`
}

func (s *Server) apiSwitchSettings(w http.ResponseWriter, r *http.Request) error {
	days, err := s.cfg.Service.SwitchPeriodDays(r.Context(), actorOf(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, switchSettings{days})
	return nil
}

func (s *Server) apiSetSwitchSettings(w http.ResponseWriter, r *http.Request) error {
	var in switchSettings
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.cfg.Service.SetSwitchPeriodDays(r.Context(), actorOf(r), in.PeriodDays); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

// ---- pages ----

// switchNotices are the confirmations of the switch pages.
var switchNotices = map[string]string{
	"aangevraagd": "De overstap is aangevraagd. De praktijk waar de cliënt nu staat ingeschreven is ingelicht en kan bevestigen of bezwaar maken; " +
		"zonder bezwaar gaat de overstap na de termijn van de regio vanzelf door.",
	"bevestigd":   "De overstap is bevestigd. De cliënt staat nu ingeschreven bij de nieuwe praktijk.",
	"bezwaar":     "Uw bezwaar is vastgelegd. De cliënt blijft bij uw praktijk ingeschreven; de aanvragende praktijk ziet uw reden.",
	"ingetrokken": "Het overstapverzoek is ingetrokken.",
}

type switchesPageData struct {
	Open, Closed switchTable
	Pager        pager
}

// switchTable is what the "switchtable" partial shows.
type switchTable struct {
	Items   []mgz.SwitchRequest
	Own     int64 // the viewer's organisation
	Names   names
	Caption string
}

func (s *Server) pageSwitches(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	f := mgz.SwitchFilter{Page: listPage(r)}
	srs, total, err := s.cfg.Service.SwitchRequests(r.Context(), a, f)
	if err != nil {
		return err
	}
	var rf refs
	for _, sr := range srs {
		rf.org(sr.FromPracticeID, sr.ToPracticeID)
	}
	n, err := s.namesOf(r, rf)
	if err != nil {
		return err
	}
	d := switchesPageData{Pager: newPager(r, f.Page, len(srs), total),
		Open:   switchTable{Own: a.User.OrganisationID, Names: n, Caption: "Lopende overstapverzoeken"},
		Closed: switchTable{Own: a.User.OrganisationID, Names: n, Caption: "Afgehandelde overstapverzoeken"}}
	for _, sr := range srs {
		if sr.State == mgz.SwitchOpen {
			d.Open.Items = append(d.Open.Items, sr)
		} else {
			d.Closed.Items = append(d.Closed.Items, sr)
		}
	}
	s.render(w, r, http.StatusOK, "switches", pageData{Title: "Overstappen", Nav: "overstappen", Data: d, Notice: switchNotices[r.URL.Query().Get("melding")]})
	return nil
}

type switchPageData struct {
	Request mgz.SwitchRequest
	Names   names
	// Holder: the actor's practice holds the registration and decides; Requester: it asked.
	Holder, Requester bool
}

func (s *Server) renderSwitch(w http.ResponseWriter, r *http.Request, status int, id int64, form Form, problem string) error {
	a := actorOf(r)
	sr, err := s.cfg.Service.SwitchRequest(r.Context(), a, id)
	if err != nil {
		return err
	}
	d := switchPageData{Request: sr, Holder: a.User.OrganisationID == sr.FromPracticeID, Requester: a.User.OrganisationID == sr.ToPracticeID}
	if d.Names, err = s.namesOf(r, refs{orgs: []int64{sr.FromPracticeID, sr.ToPracticeID}}); err != nil {
		return err
	}
	s.render(w, r, status, "switch", pageData{Title: fmt.Sprintf("Overstapverzoek %d", sr.ID), Nav: "overstappen", Data: d, Form: form,
		Problem: problem, Notice: switchNotices[r.URL.Query().Get("melding")]})
	return nil
}

func (s *Server) pageSwitch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Overstapverzoek")
	if err != nil {
		return err
	}
	return s.renderSwitch(w, r, http.StatusOK, id, Form{}, "")
}

// switchPost runs a decision from a form and answers with the request's page.
func (s *Server) switchPost(w http.ResponseWriter, r *http.Request, notice string, decide func(id int64) error) error {
	id, err := pathID(r, "Overstapverzoek")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	err = decide(id)
	if fields, msg, ok := formProblem(err); ok {
		return s.renderSwitch(w, r, httpStatus(err), id, Form{Values: r.PostForm, Errors: fields}, msg)
	}
	if mgz.ErrorCode(err) == mgz.ECodeConflict {
		return s.renderSwitch(w, r, http.StatusConflict, id, Form{}, mgz.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/overstappen/"+strconv.FormatInt(id, 10), notice)
	return nil
}

func (s *Server) pageSwitchConfirm(w http.ResponseWriter, r *http.Request) error {
	return s.switchPost(w, r, "bevestigd", func(id int64) error {
		_, err := s.cfg.Service.ConfirmSwitch(r.Context(), actorOf(r), id)
		return err
	})
}

func (s *Server) pageSwitchObject(w http.ResponseWriter, r *http.Request) error {
	return s.switchPost(w, r, "bezwaar", func(id int64) error {
		_, err := s.cfg.Service.ObjectSwitch(r.Context(), actorOf(r), id, r.PostForm.Get("reason"))
		return err
	})
}

func (s *Server) pageSwitchWithdraw(w http.ResponseWriter, r *http.Request) error {
	return s.switchPost(w, r, "ingetrokken", func(id int64) error {
		_, err := s.cfg.Service.WithdrawSwitch(r.Context(), actorOf(r), id)
		return err
	})
}

// switchNoticeData is the start page's block about switches, for a GP practice.
type switchNoticeData struct {
	service.SwitchNotices
	Names names
}

// homeSwitchNotices returns what the start page says about switches: nil for anyone but a GP
// practice, or when there is nothing to tell.
func (s *Server) homeSwitchNotices(r *http.Request) (*switchNoticeData, error) {
	a := actorOf(r)
	if a.OrgKind != mgz.KindGPPractice {
		return nil, nil
	}
	n, err := s.cfg.Service.SwitchNotices(r.Context(), a)
	if err != nil || n.Empty() {
		return nil, err
	}
	var rf refs
	for _, srs := range [][]mgz.SwitchRequest{n.Incoming, n.Outgoing, n.Decided} {
		for _, sr := range srs {
			rf.org(sr.FromPracticeID, sr.ToPracticeID)
		}
	}
	rf.notices(n.Misses, n.LeadChanges)
	nm, err := s.namesOf(r, rf)
	if err != nil {
		return nil, err
	}
	return &switchNoticeData{SwitchNotices: n, Names: nm}, nil
}
