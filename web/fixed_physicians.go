package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/service"
)

// The fixed SO/AVG of a location or a GP practice (issue 13, L-Conv 5: preferably a fixed SO/AVG
// per location and per practice): read by everyone signed in, kept by the owner's editors (for a
// location, its care provider's).

func (s *Server) fixedPhysicianRoutes() []route {
	return []route{
		{"GET", "/api/v1/fixed-physicians", s.apiFixedPhysicians},
		{"POST", "/api/v1/fixed-physicians", s.apiCreateFixedPhysician},
		{"GET", "/api/v1/fixed-physicians/{id}", s.apiFixedPhysician},
		{"PUT", "/api/v1/fixed-physicians/{id}", s.apiUpdateFixedPhysician},
		{"DELETE", "/api/v1/fixed-physicians/{id}", s.apiDeleteFixedPhysician},
	}
}

func (s *Server) fixedPhysicianPageRoutes() []route {
	return []route{
		{"GET", "/vaste-artsen/nieuw", s.pageFixedPhysicianNew},
		{"POST", "/vaste-artsen", s.pageFixedPhysicianCreate},
		{"GET", "/vaste-artsen/{id}", s.pageFixedPhysician},
		{"POST", "/vaste-artsen/{id}", s.pageFixedPhysicianUpdate},
		{"POST", "/vaste-artsen/{id}/verwijderen", s.pageFixedPhysicianDelete},
	}
}

func (s *Server) apiFixedPhysicians(w http.ResponseWriter, r *http.Request) error {
	q := newQueryParams(r)
	f := mgz.FixedPhysicianFilter{LocationID: q.int("location_id"), OrganisationID: q.int("organisation_id")}
	if err := q.err(); err != nil {
		return err
	}
	items, err := s.cfg.Service.FixedPhysicians(r.Context(), actorOf(r), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[mgz.FixedPhysician]{Items: items, Total: len(items), Limit: len(items)})
	return nil
}

func (s *Server) apiFixedPhysician(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Vaste SO/AVG")
	if err != nil {
		return err
	}
	f, err := s.cfg.Service.FixedPhysician(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	setETag(w, f.Revision)
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *Server) apiCreateFixedPhysician(w http.ResponseWriter, r *http.Request) error {
	var f mgz.FixedPhysician
	if err := decodeJSON(r, &f); err != nil {
		return err
	}
	f.ID, f.Revision = 0, 0
	if err := s.cfg.Service.CreateFixedPhysician(r.Context(), actorOf(r), &f); err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/fixed-physicians/%d", f.ID))
	setETag(w, f.Revision)
	writeJSON(w, http.StatusCreated, f)
	return nil
}

// apiUpdateFixedPhysician replaces sector, name, phone and service; the id comes from the path and
// the owner stays. The revision edited is If-Match or the body's "revision".
func (s *Server) apiUpdateFixedPhysician(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Vaste SO/AVG")
	if err != nil {
		return err
	}
	var f mgz.FixedPhysician
	if err := decodeJSON(r, &f); err != nil {
		return err
	}
	rev, err := expectedRevision(r)
	if err != nil {
		return err
	}
	f.ID = id
	if rev != 0 {
		f.Revision = rev
	}
	if err := s.cfg.Service.UpdateFixedPhysician(r.Context(), actorOf(r), &f); err != nil {
		return err
	}
	setETag(w, f.Revision)
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *Server) apiDeleteFixedPhysician(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Vaste SO/AVG")
	if err != nil {
		return err
	}
	rev, err := expectedRevision(r)
	if err != nil {
		return err
	}
	if err := s.cfg.Service.DeleteFixedPhysician(r.Context(), actorOf(r), id, rev); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// htmlBlock is a part of a page rendered from its own template.
type htmlBlock = template.HTML

// fixedRow is one fixed physician on a page, with the name of its service.
type fixedRow struct {
	mgz.FixedPhysician
	ServiceName string
}

// fixedBlockData is the "Vaste SO/AVG" block of a location or GP practice page.
type fixedBlockData struct {
	Items   []fixedRow
	CanEdit bool
	NewLink string
}

// fixedPhysicianBlock renders the "Vaste SO/AVG" block of the location (loc) or GP practice (org)
// owned by owner, with links to add and edit for those who may.
func (s *Server) fixedPhysicianBlock(r *http.Request, f mgz.FixedPhysicianFilter, owner int64) (template.HTML, error) {
	items, err := s.cfg.Service.FixedPhysicians(r.Context(), actorOf(r), f)
	if err != nil {
		return "", err
	}
	d := fixedBlockData{CanEdit: service.Allowed(actorOf(r), access.Create, access.Resource{Kind: access.FixedPhysician, OrganisationID: owner})}
	if f.LocationID != 0 {
		d.NewLink = "/vaste-artsen/nieuw?location_id=" + strconv.FormatInt(f.LocationID, 10)
	} else {
		d.NewLink = "/vaste-artsen/nieuw?organisation_id=" + strconv.FormatInt(f.OrganisationID, 10)
	}
	for _, it := range items {
		row := fixedRow{FixedPhysician: it}
		if it.ServiceID != nil {
			o, err := s.reg(r).Organisation(r.Context(), *it.ServiceID)
			if err != nil {
				return "", err
			}
			row.ServiceName = o.Name
		}
		d.Items = append(d.Items, row)
	}
	var buf bytes.Buffer
	if err := s.pages["fixed_physician_block"].ExecuteTemplate(&buf, "fixed_physician_block", d); err != nil {
		return "", fmt.Errorf("vaste SO/AVG tonen: %w", err)
	}
	return template.HTML(buf.String()), nil // #nosec G203 -- produced by html/template
}

// fixedFormData is the form for a fixed physician.
type fixedFormData struct {
	Action   string
	Owner    string // "locatie De Linde", "huisartsenpraktijk De Eik"
	Back     string
	Services []mgz.Organisation
	Sectors  []mgz.Option[mgz.Sector]
	CanEdit  bool
	Fixed    mgz.FixedPhysician
	Service  string // the service's name, for the read-only view
}

// fixedOwner names the owner of f for the page, with the link back and the organisation whose
// editors may change it. A location or organisation that does not exist is an invalid field.
func (s *Server) fixedOwner(r *http.Request, f mgz.FixedPhysician) (label, back string, owner int64, err error) {
	ctx := r.Context()
	if f.LocationID != nil {
		l, err := s.reg(r).Location(ctx, *f.LocationID)
		if mgz.ErrorCode(err) == mgz.ECodeNotFound {
			return "", "", 0, mgz.FieldError("location_id", fmt.Sprintf("Locatie %d bestaat niet. Kies een locatie uit het register.", *f.LocationID))
		}
		if err != nil {
			return "", "", 0, err
		}
		return "locatie " + l.Name, fmt.Sprintf("/locaties/%d", l.ID), l.ProviderID, nil
	}
	if f.OrganisationID != nil {
		o, err := s.reg(r).Organisation(ctx, *f.OrganisationID)
		if mgz.ErrorCode(err) == mgz.ECodeNotFound {
			return "", "", 0, mgz.FieldError("organisation_id", fmt.Sprintf("Organisatie %d bestaat niet. Kies een huisartsenpraktijk uit het register.", *f.OrganisationID))
		}
		if err != nil {
			return "", "", 0, err
		}
		return strings.ToLower(o.Kind.Label()) + " " + o.Name, fmt.Sprintf("/organisaties/%d", o.ID), o.ID, nil
	}
	return "", "", 0, mgz.FieldError("location_id", "Kies de locatie of de huisartsenpraktijk van de vaste SO/AVG.")
}

// physicianServices are the organisations a fixed physician can work for: SO/AVG services and
// care providers with their own physicians, by name.
func (s *Server) physicianServices(r *http.Request) ([]mgz.Organisation, error) {
	var out []mgz.Organisation
	for _, k := range []mgz.OrgKind{mgz.KindPhysicianService, mgz.KindCareProvider} {
		orgs, _, err := s.reg(r).Organisations(r.Context(), mgz.OrganisationFilter{Kind: k, Page: mgz.Page{Limit: mgz.MaxLimit}})
		if err != nil {
			return nil, err
		}
		out = append(out, orgs...)
	}
	slices.SortFunc(out, func(a, b mgz.Organisation) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// fixedFromForm reads the form; numbers that are not numbers are field errors.
func fixedFromForm(v url.Values) (mgz.FixedPhysician, map[string]string) {
	errs := map[string]string{}
	id := func(name string) *int64 {
		s := strings.TrimSpace(v.Get(name))
		if s == "" {
			return nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			errs[name] = "Kies een organisatie uit de lijst."
			return nil
		}
		return &n
	}
	f := mgz.FixedPhysician{OrganisationID: id("organisation_id"), LocationID: id("location_id"), ServiceID: id("service_id"),
		Sector: mgz.Sector(v.Get("sector")), Name: v.Get("name"), Phone: v.Get("phone")}
	return f, errs
}

func fixedToForm(f mgz.FixedPhysician) url.Values {
	v := url.Values{"sector": {string(f.Sector)}, "name": {f.Name}, "phone": {mgz.FormatPhone(f.Phone)}, "revision": {revisionValue(f.Revision)}}
	for name, id := range map[string]*int64{"organisation_id": f.OrganisationID, "location_id": f.LocationID, "service_id": f.ServiceID} {
		if id != nil {
			v.Set(name, strconv.FormatInt(*id, 10))
		}
	}
	return v
}

func (s *Server) renderFixedForm(w http.ResponseWriter, r *http.Request, status int, f mgz.FixedPhysician, form Form, problem string) error {
	label, back, owner, err := s.fixedOwner(r, f)
	if err != nil {
		return err
	}
	services, err := s.physicianServices(r)
	if err != nil {
		return err
	}
	d := fixedFormData{Owner: label, Back: back, Services: services, Sectors: mgz.Sectors.Options(), Fixed: f, Action: "/vaste-artsen",
		CanEdit: service.Allowed(actorOf(r), access.Update, access.Resource{Kind: access.FixedPhysician, OrganisationID: owner})}
	title := "Vaste SO/AVG vastleggen"
	if f.ID != 0 {
		d.Action, title = fmt.Sprintf("/vaste-artsen/%d", f.ID), "Vaste "+f.Title()
		for _, o := range services {
			if f.ServiceID != nil && o.ID == *f.ServiceID {
				d.Service = o.Name
			}
		}
	}
	s.render(w, r, status, "fixed_physician_form", pageData{Title: title, Problem: problem, Data: d, Form: form})
	return nil
}

func (s *Server) pageFixedPhysicianNew(w http.ResponseWriter, r *http.Request) error {
	f, errs := fixedFromForm(r.URL.Query())
	if len(errs) > 0 {
		return &mgz.Error{Code: mgz.ECodeInvalid, Message: "Het adres van dit formulier klopt niet.", Fields: errs}
	}
	if _, _, _, err := s.fixedOwner(r, f); err != nil {
		return err
	}
	if err := s.cfg.Service.MayCreateFixedPhysician(r.Context(), actorOf(r), f); err != nil {
		return err
	}
	return s.renderFixedForm(w, r, http.StatusOK, f, Form{Values: fixedToForm(f)}, "")
}

func (s *Server) pageFixedPhysician(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Vaste SO/AVG")
	if err != nil {
		return err
	}
	f, err := s.cfg.Service.FixedPhysician(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	return s.renderFixedForm(w, r, http.StatusOK, f, Form{Values: fixedToForm(f)}, "")
}

// saveFixedPhysician creates (id 0) or updates a fixed physician from the form; problems send the
// form back with the input kept.
func (s *Server) saveFixedPhysician(w http.ResponseWriter, r *http.Request, id int64) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f, errs := fixedFromForm(r.PostForm)
	rev, err := expectedRevision(r)
	if err != nil {
		return err
	}
	f.ID, f.Revision = id, rev
	if id != 0 {
		cur, err := s.cfg.Service.FixedPhysician(r.Context(), actorOf(r), id)
		if err != nil {
			return err
		}
		f.OrganisationID, f.LocationID = cur.OrganisationID, cur.LocationID
	}
	if len(errs) > 0 {
		err = &mgz.Error{Code: mgz.ECodeInvalid, Message: "Niet alle gegevens kloppen.", Fields: errs}
	} else if id == 0 {
		err = s.cfg.Service.CreateFixedPhysician(r.Context(), actorOf(r), &f)
	} else {
		err = s.cfg.Service.UpdateFixedPhysician(r.Context(), actorOf(r), &f)
	}
	if fields, msg, ok := formProblem(err); ok {
		return s.renderFixedForm(w, r, httpStatus(err), f, Form{Values: r.PostForm, Errors: fields}, msg)
	}
	if err != nil {
		return err
	}
	_, back, _, err := s.fixedOwner(r, f)
	if err != nil {
		return err
	}
	redirect(w, r, back, "opgeslagen")
	return nil
}

func (s *Server) pageFixedPhysicianCreate(w http.ResponseWriter, r *http.Request) error {
	return s.saveFixedPhysician(w, r, 0)
}

func (s *Server) pageFixedPhysicianUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Vaste SO/AVG")
	if err != nil {
		return err
	}
	return s.saveFixedPhysician(w, r, id)
}

func (s *Server) pageFixedPhysicianDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Vaste SO/AVG")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	rev, err := expectedRevision(r)
	if err != nil {
		return err
	}
	f, err := s.cfg.Service.FixedPhysician(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	if err := s.cfg.Service.DeleteFixedPhysician(r.Context(), actorOf(r), id, rev); err != nil {
		return err
	}
	_, back, _, err := s.fixedOwner(r, f)
	if err != nil {
		return err
	}
	redirect(w, r, back, "verwijderd")
	return nil
}
