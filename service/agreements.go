package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/agreement"
	"github.com/regio-mgz/mgz/agreementdoc"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/rules"
)

// ProposeAgreements says which model agreements a location needs (domain.md §8), from its
// deliveries and its residents' situations. Residents are counted, never shown, so no patient
// data leaves the store and nothing about a patient is audited.
func (s *Service) ProposeAgreements(ctx context.Context, a mgz.Actor, e *rules.Engine, locationID int64) (mgz.Location, []agreement.Proposal, error) {
	l, err := s.location(ctx, locationID)
	if err != nil {
		return l, nil, err
	}
	if err := s.authorize(ctx, s.store, a, access.Read, access.Resource{Kind: access.AgreementProposal, OrganisationID: l.ProviderID}, mgz.AuditRead, l.ID); err != nil {
		return l, nil, err
	}
	var residents []mgz.Patient
	for page := (mgz.Page{Limit: mgz.MaxLimit}); ; page.Offset += page.Limit {
		ps, total, err := s.store.Patients().Patients(ctx, mgz.PatientFilter{LocationID: l.ID, Page: page})
		if err != nil {
			return l, nil, err
		}
		residents = append(residents, ps...)
		if page.Offset+len(ps) >= total || len(ps) == 0 {
			break
		}
	}
	return l, agreement.Propose(e, l, residents), nil
}

func (s *Service) authorizeAgreement(ctx context.Context, a mgz.Actor, act access.Action, ag mgz.Agreement) error {
	return s.authorize(ctx, s.store, a, act, access.Resource{Kind: access.Agreement, Parties: ag.Parties()}, auditAction[act], ag.ID)
}

func agreementEntry(a mgz.Actor, act mgz.AuditAction, ag mgz.Agreement, reason string) *mgz.AuditEntry {
	e := entry(a, act, "agreement", ag.ID, ag.Provider)
	e.Reason = reason
	return e
}

func byName(a mgz.Actor) string {
	if a.System {
		return "opdrachtregel"
	}
	return a.User.Name
}

// lifecycleError is a refused transition, in Dutch, naming the status.
func lifecycleError(ag mgz.Agreement, what string) error {
	return mgz.Errorf(mgz.ECodeConflict, "%s kan niet: de overeenkomst is %s.", what, strings.ToLower(ag.Status.Label()))
}

// isParty reports whether the actor's organisation is a party of ag now.
func isParty(a mgz.Actor, ag mgz.Agreement) bool {
	for _, p := range ag.Parties() {
		if p == a.User.OrganisationID {
			return true
		}
	}
	return false
}

// hidden is the answer for an agreement that does not exist or that the actor may not see.
func hidden() error {
	return mgz.Errorf(mgz.ECodeNotFound, "Dit bestaat niet, of u heeft er geen toegang toe.")
}

// Agreement returns an agreement to one of its parties. An organisation that a later version
// removed as a party gets the newest version it was party to, marked with Former: it keeps
// reading what it signed, but not the terms that others agreed without it.
func (s *Service) Agreement(ctx context.Context, a mgz.Actor, id int64) (mgz.Agreement, error) {
	ag, err := s.store.Agreements().Agreement(ctx, id)
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		return ag, hidden()
	}
	if err != nil {
		return ag, err
	}
	if !a.System && !isParty(a, ag) && Allowed(a, access.Read, access.Resource{Kind: access.Agreement, Parties: []int64{a.User.OrganisationID}}) {
		fps, err := s.store.Agreements().FormerParties(ctx, id, a.User.OrganisationID)
		if err != nil {
			return mgz.Agreement{}, err
		}
		if len(fps) > 0 {
			v, err := s.store.Agreements().Version(ctx, id, fps[0].LastVersion)
			if err != nil {
				return mgz.Agreement{}, err
			}
			old := v.Agreement
			old.ID, old.Revision, old.Former = id, 0, &fps[0]
			return old, nil
		}
	}
	if err := s.authorizeAgreement(ctx, a, access.Read, ag); err != nil {
		return mgz.Agreement{}, err
	}
	return ag, nil
}

// currentAgreement returns the current state for a change by a party, authorised (and a denial
// audited) against the parties as they are now.
func (s *Service) currentAgreement(ctx context.Context, a mgz.Actor, id int64, act access.Action) (mgz.Agreement, error) {
	ag, err := s.store.Agreements().Agreement(ctx, id)
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		return ag, hidden()
	}
	if err != nil {
		return ag, err
	}
	if err := s.authorizeAgreement(ctx, a, act, ag); err != nil {
		return mgz.Agreement{}, err
	}
	return ag, nil
}

// stillAllowed re-asks the policy inside the write transaction, against the parties as stored
// there: a version made in between may have removed the actor's organisation.
func stillAllowed(a mgz.Actor, act access.Action, ag mgz.Agreement) error {
	if Allowed(a, act, access.Resource{Kind: access.Agreement, Parties: ag.Parties()}) {
		return nil
	}
	return mgz.Errorf(mgz.ECodeConflict, "De partijen van overeenkomst %d zijn intussen gewijzigd en uw organisatie is geen partij meer. Er is niets opgeslagen; zie de melding op uw startpagina.", ag.ID)
}

// Agreements lists the agreements the actor's organisation is a party of.
func (s *Service) Agreements(ctx context.Context, a mgz.Actor) ([]mgz.Agreement, error) {
	if a.User.ID == 0 && !a.System {
		return nil, mgz.Errorf(mgz.ECodeUnauthenticated, "U bent niet ingelogd.")
	}
	org := a.User.OrganisationID
	if a.System {
		org = 0
	}
	return s.store.Agreements().Agreements(ctx, org)
}

// AgreementVersions returns every version of an agreement, newest first; to a former party only
// the versions it was party to.
func (s *Service) AgreementVersions(ctx context.Context, a mgz.Actor, id int64) ([]mgz.AgreementVersion, error) {
	ag, err := s.Agreement(ctx, a, id)
	if err != nil {
		return nil, err
	}
	vs, err := s.store.Agreements().Versions(ctx, id)
	if err != nil || ag.Former == nil {
		return vs, err
	}
	out := vs[:0]
	for _, v := range vs {
		if v.Version <= ag.Former.LastVersion {
			out = append(out, v)
		}
	}
	return out, nil
}

// CreateAgreement makes a draft, version 1; the actor's organisation must be a party.
func (s *Service) CreateAgreement(ctx context.Context, a mgz.Actor, ag *mgz.Agreement) error {
	ag.ID, ag.Version, ag.Revision, ag.VersionRevision, ag.Status, ag.Signatures, ag.Former = 0, 0, 0, 0, mgz.AgreementDraft, nil, nil
	ag.GPPostInformedAt, ag.LastEvaluation, ag.EndedOn, ag.EndReason, ag.EvaluationNote = nil, nil, nil, "", ""
	if err := ag.Normalise(); err != nil {
		return err
	}
	if err := s.authorizeAgreement(ctx, a, access.Create, *ag); err != nil {
		return err
	}
	ag.UpdatedBy, ag.UpdatedAt = byName(a), s.now()
	if err := s.snapshot(ctx, ag); err != nil {
		return err
	}
	return s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		if err := tx.Agreements().SaveVersion(ctx, ag, "opgesteld"); err != nil {
			return nil, err
		}
		by := s.who(ctx, tx, a)
		if err := s.logChange(ctx, tx, by, "agreement", ag.ID, ag.Revision, "versie 1 opgesteld door "+by); err != nil {
			return nil, err
		}
		return agreementEntry(a, mgz.AuditCreate, *ag, "versie 1"), nil
	})
}

// UpdateAgreement changes the terms: a new version, the signatures drop and the agreement is a
// draft again. An ended agreement does not change. ag.Revision is the revision the edit was
// made on (0: not said); an edit on an older revision is refused with what changed since.
//
// A change of parties (for cooperation: another GP post) is a new version like any other, so
// every party signs again; the organisation removed is recorded as a former party, keeps
// reading the versions it was party to and is told on its start page.
func (s *Service) UpdateAgreement(ctx context.Context, a mgz.Actor, ag *mgz.Agreement) error {
	if _, err := s.currentAgreement(ctx, a, ag.ID, access.Update); err != nil {
		return err
	}
	expected := ag.Revision
	if err := ag.Normalise(); err != nil {
		return err
	}
	if err := s.snapshot(ctx, ag); err != nil {
		return err
	}
	var unchanged *mgz.Agreement
	err := s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		old, err := tx.Agreements().Agreement(ctx, ag.ID)
		if err != nil {
			return nil, err
		}
		if err := stillAllowed(a, access.Update, old); err != nil {
			return nil, err
		}
		if mgz.Stale(expected, old.Revision) {
			return nil, staleEdit(ctx, tx, "De overeenkomst", "agreement", old.ID, expected, old.Revision)
		}
		if old.Status == mgz.AgreementEnded {
			return nil, lifecycleError(old, "Wijzigen")
		}
		if ag.Provider != old.Provider || ag.Practice != old.Practice || ag.Type != old.Type {
			return nil, &mgz.Error{Code: mgz.ECodeInvalid, Message: "De soort, de zorgaanbieder en de huisartsenpraktijk van een overeenkomst veranderen niet.",
				Fields: map[string]string{"type": "Maak een nieuwe overeenkomst voor andere partijen of een andere soort, en beëindig deze."}}
		}
		changes := mgz.Diff(old, *ag)
		if len(changes) == 0 {
			unchanged = &old
			return nil, errUnchanged
		}
		ag.Version, ag.Revision, ag.Status, ag.Signatures = old.Version, old.Revision, mgz.AgreementDraft, nil
		ag.GPPostInformedAt, ag.LastEvaluation, ag.EvaluationNote = old.GPPostInformedAt, old.LastEvaluation, old.EvaluationNote
		ag.UpdatedBy, ag.UpdatedAt, ag.Former = byName(a), s.now(), nil
		var fields []string
		for _, c := range changes {
			fields = append(fields, c.Field)
		}
		note := "gewijzigd: " + strings.Join(fields, ", ")
		removed := removedParties(old, *ag)
		if len(removed) > 0 {
			ag.GPPostInformedAt = nil // the new GP post has not been informed yet
			var names []string
			for _, id := range removed {
				names = append(names, orgName(ctx, tx, id))
			}
			note += "; partij verwijderd: " + strings.Join(names, ", ") + "; alle partijen tekenen opnieuw"
		}
		if err := tx.Agreements().SaveVersion(ctx, ag, note); err != nil {
			return nil, err
		}
		for _, id := range removed {
			if err := tx.Agreements().AddFormerParty(ctx, mgz.FormerParty{AgreementID: ag.ID, OrganisationID: id, LastVersion: old.Version,
				RemovedBy: byName(a), RemovedByOrg: a.User.OrganisationID, RemovedAt: ag.UpdatedAt}); err != nil {
				return nil, err
			}
		}
		by := s.who(ctx, tx, a)
		if err := s.logChange(ctx, tx, by, "agreement", ag.ID, ag.Revision, fmt.Sprintf("versie %d opgesteld door %s (%s)", ag.Version, by, note)); err != nil {
			return nil, err
		}
		return agreementEntry(a, mgz.AuditUpdate, *ag, fmt.Sprintf("versie %d, %s", ag.Version, note)), nil
	})
	if err == errUnchanged {
		*ag = *unchanged
		return nil
	}
	return err
}

// errUnchanged rolls back an edit that changes nothing: nothing is stored and nothing audited.
var errUnchanged = fmt.Errorf("service: nothing changed")

// removedParties lists the parties of old that new no longer has.
func removedParties(old, new mgz.Agreement) []int64 {
	var out []int64
	for _, p := range old.Parties() {
		found := false
		for _, q := range new.Parties() {
			found = found || p == q
		}
		if !found {
			out = append(out, p)
		}
	}
	return out
}

// Basis is what a step on an agreement was based on: the revision the actor saw (If-Match, or the
// form's hidden field) and the version whose terms were shown. Zero fields are not checked. A
// step is refused when the terms changed since: a party signs the terms it read, no others.
type Basis struct {
	Revision int64
	Version  int
}

// checkBasis refuses a step based on terms that a newer version replaced.
func checkBasis(ctx context.Context, tx mgz.Tx, ag mgz.Agreement, seen Basis) error {
	if seen.Revision > ag.Revision {
		return staleEdit(ctx, tx, "De overeenkomst", "agreement", ag.ID, seen.Revision, ag.Revision)
	}
	newer := (seen.Version != 0 && seen.Version != ag.Version) || (seen.Revision != 0 && seen.Revision < ag.VersionRevision)
	if !newer {
		return nil
	}
	since := seen.Revision
	if since == 0 || since >= ag.VersionRevision {
		since = ag.VersionRevision - 1 // from the making of the current version on
	}
	lines, err := changesSince(ctx, tx, "agreement", ag.ID, since)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("De voorwaarden zijn gewijzigd nadat u de overeenkomst opende: nu geldt versie %d", ag.Version)
	if len(lines) > 0 {
		msg += ". Sindsdien: " + strings.Join(lines, "; ")
	}
	return mgz.Errorf(mgz.ECodeConflict, "%s. Er is niets opgeslagen. Lees versie %d en doe de stap opnieuw als u met die voorwaarden instemt.", msg, ag.Version)
}

// transition applies a state change to the current version: the state is read, changed and
// written in one transaction, so concurrent steps (three parties signing at once) all count.
// summary is the change log's line, given the actor's name.
func (s *Service) transition(ctx context.Context, a mgz.Actor, id int64, act access.Action, seen Basis, apply func(*mgz.Agreement) error, reason func(mgz.Agreement) string, summary func(ag mgz.Agreement, who string) string) (mgz.Agreement, error) {
	if _, err := s.currentAgreement(ctx, a, id, act); err != nil {
		return mgz.Agreement{}, err
	}
	var out mgz.Agreement
	err := s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		ag, err := tx.Agreements().Agreement(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := stillAllowed(a, act, ag); err != nil {
			return nil, err
		}
		if err := checkBasis(ctx, tx, ag, seen); err != nil {
			return nil, err
		}
		if err := apply(&ag); err != nil {
			return nil, err
		}
		ag.UpdatedBy, ag.UpdatedAt = byName(a), s.now()
		if err := tx.Agreements().Update(ctx, &ag); err != nil {
			return nil, err
		}
		by := s.who(ctx, tx, a)
		if err := s.logChange(ctx, tx, by, "agreement", ag.ID, ag.Revision, summary(ag, by)); err != nil {
			return nil, err
		}
		out = ag
		return agreementEntry(a, mgz.AuditUpdate, ag, reason(ag)), nil
	})
	return out, err
}

// SendForSigning offers a draft to the parties for signing.
func (s *Service) SendForSigning(ctx context.Context, a mgz.Actor, id int64, seen Basis) (mgz.Agreement, error) {
	return s.transition(ctx, a, id, access.Update, seen, func(ag *mgz.Agreement) error {
		if ag.Status != mgz.AgreementDraft {
			return lifecycleError(*ag, "Ter ondertekening aanbieden")
		}
		ag.Status = mgz.AgreementSigning
		return nil
	}, func(ag mgz.Agreement) string { return fmt.Sprintf("versie %d ter ondertekening", ag.Version) },
		func(ag mgz.Agreement, who string) string {
			return fmt.Sprintf("versie %d ter ondertekening aangeboden door %s", ag.Version, who)
		})
}

// SignAgreement records the actor's organisation's signature on the current version; a party
// signs only for itself, and only the version it read (seen). When every party signed, the
// agreement is active.
func (s *Service) SignAgreement(ctx context.Context, a mgz.Actor, id int64, seen Basis, role string) (mgz.Agreement, error) {
	return s.transition(ctx, a, id, access.Sign, seen, func(ag *mgz.Agreement) error {
		if ag.Status != mgz.AgreementSigning {
			return lifecycleError(*ag, "Ondertekenen")
		}
		org := a.User.OrganisationID
		if ag.SignedBy(org) {
			return mgz.Errorf(mgz.ECodeConflict, "Uw organisatie heeft versie %d al ondertekend.", ag.Version)
		}
		role = strings.TrimSpace(role)
		if role == "" {
			return &mgz.Error{Code: mgz.ECodeInvalid, Message: "Vul uw functie in.", Fields: map[string]string{"role": "In welke functie tekent u, bijvoorbeeld huisarts-eigenaar of bestuurder?"}}
		}
		ag.Signatures = append(ag.Signatures, mgz.Signature{OrganisationID: org, UserID: a.User.ID, Name: a.User.Name, Role: role, At: s.now()})
		all := true
		for _, p := range ag.Parties() {
			all = all && ag.SignedBy(p)
		}
		if all {
			ag.Status = mgz.AgreementActive
		}
		return nil
	}, func(ag mgz.Agreement) string {
		if ag.Status == mgz.AgreementActive {
			return fmt.Sprintf("versie %d ondertekend door alle partijen: actief", ag.Version)
		}
		return fmt.Sprintf("versie %d ondertekend", ag.Version)
	}, func(ag mgz.Agreement, who string) string {
		line := fmt.Sprintf("versie %d ondertekend door %s", ag.Version, who)
		if ag.Status == mgz.AgreementActive {
			line += "; alle partijen hebben getekend, de overeenkomst is actief"
		}
		return line
	})
}

// InformGPPost records that the region's GP post was informed of a cooperation agreement (§8).
func (s *Service) InformGPPost(ctx context.Context, a mgz.Actor, id int64, seen Basis) (mgz.Agreement, error) {
	return s.transition(ctx, a, id, access.Update, seen, func(ag *mgz.Agreement) error {
		if ag.Type != mgz.AgreementCooperation {
			return mgz.Errorf(mgz.ECodeInvalid, "Alleen bij een samenwerkingsovereenkomst wordt de huisartsenpost geïnformeerd.")
		}
		if ag.Status == mgz.AgreementEnded {
			return lifecycleError(*ag, "De huisartsenpost informeren")
		}
		at := s.now()
		ag.GPPostInformedAt = &at
		return nil
	}, func(mgz.Agreement) string { return "huisartsenpost geïnformeerd" },
		func(_ mgz.Agreement, who string) string { return "huisartsenpost geïnformeerd door " + who })
}

// EvaluateAgreement records an evaluation of an active agreement (progress, quality of care and
// cooperation), which renews it until the next one is due.
func (s *Service) EvaluateAgreement(ctx context.Context, a mgz.Actor, id int64, seen Basis, on mgz.Date, note string) (mgz.Agreement, error) {
	return s.transition(ctx, a, id, access.Update, seen, func(ag *mgz.Agreement) error {
		if ag.Status != mgz.AgreementActive {
			return lifecycleError(*ag, "Evalueren")
		}
		note = strings.TrimSpace(note)
		fe := map[string]string{}
		if on.IsZero() || on.After(s.today()) {
			fe["evaluated_on"] = "Vul de datum van de evaluatie in; die ligt niet in de toekomst."
		}
		if note == "" {
			fe["note"] = "Vat de evaluatie samen: voortgang, kwaliteit van zorg en samenwerking."
		}
		if len(fe) > 0 {
			return &mgz.Error{Code: mgz.ECodeInvalid, Message: "De evaluatie is niet compleet.", Fields: fe}
		}
		ag.LastEvaluation, ag.EvaluationNote = &on, note
		return nil
	}, func(ag mgz.Agreement) string { return "geëvalueerd op " + ag.LastEvaluation.String() },
		func(ag mgz.Agreement, who string) string {
			return fmt.Sprintf("evaluatie van %s vastgelegd door %s", ag.LastEvaluation, who)
		})
}

// EndAgreement ends an agreement with a reason.
func (s *Service) EndAgreement(ctx context.Context, a mgz.Actor, id int64, seen Basis, on mgz.Date, reason string) (mgz.Agreement, error) {
	return s.transition(ctx, a, id, access.Update, seen, func(ag *mgz.Agreement) error {
		if ag.Status == mgz.AgreementEnded {
			return lifecycleError(*ag, "Beëindigen")
		}
		reason = strings.TrimSpace(reason)
		fe := map[string]string{}
		if on.IsZero() {
			fe["ended_on"] = "Vul de einddatum in."
		}
		if reason == "" {
			fe["reason"] = "Vul de reden van beëindiging in."
		}
		if len(fe) > 0 {
			return &mgz.Error{Code: mgz.ECodeInvalid, Message: "Een beëindiging vraagt een datum en een reden.", Fields: fe}
		}
		ag.Status, ag.EndedOn, ag.EndReason = mgz.AgreementEnded, &on, reason
		return nil
	}, func(ag mgz.Agreement) string { return "beëindigd: " + ag.EndReason },
		func(ag mgz.Agreement, who string) string {
			return fmt.Sprintf("beëindigd per %s door %s", ag.EndedOn, who)
		})
}

// Reminder is something a party should act on, in Dutch.
type Reminder struct {
	Kind        string `json:"kind"` // evaluation_due, ending, missing_agreement, removed_party
	AgreementID int64  `json:"agreement_id,omitempty"`
	LocationID  int64  `json:"location_id,omitempty"`
	Due         string `json:"due,omitempty"` // for removed_party: the day of the removal
	Text        string `json:"text"`
}

// removedNoticeDays is how long an organisation removed as a party is told so on its start page.
const removedNoticeDays = 90

// Reminders lists, for the actor's organisation: notices of its removal as a party (90 days), evaluations due within 60 days, agreements
// ending within 90 days, and its locations (or those of the care providers it works with as a
// practice) with residents but no active agreement of a needed type.
func (s *Service) Reminders(ctx context.Context, a mgz.Actor, e *rules.Engine) ([]Reminder, error) {
	if a.User.ID == 0 && !a.System {
		return nil, mgz.Errorf(mgz.ECodeUnauthenticated, "U bent niet ingelogd.")
	}
	org := a.User.OrganisationID
	if a.System {
		org = 0
	}
	today := mgz.DateOf(s.today())
	// Only the agreements whose reminder window has begun (an index on remind_on), not every
	// agreement the actor sees.
	ags, err := s.store.Agreements().DueAgreements(ctx, org, today)
	if err != nil {
		return nil, err
	}
	out := []Reminder{}
	for _, ag := range ags {
		if ag.Status != mgz.AgreementActive {
			continue
		}
		if next := ag.NextEvaluation(); !next.IsZero() && !next.After(today.AddDate(0, 0, mgz.EvaluationReminderDays)) {
			out = append(out, Reminder{Kind: "evaluation_due", AgreementID: ag.ID, Due: next.String(),
				Text: fmt.Sprintf("Evaluatie van %s %d is uiterlijk %s aan de beurt.", strings.ToLower(ag.Type.Label()), ag.ID, next.Format("02-01-2006"))})
		}
		if end := ag.End(); !end.IsZero() && !end.After(today.AddDate(0, 0, mgz.EndReminderDays)) {
			out = append(out, Reminder{Kind: "ending", AgreementID: ag.ID, Due: end.String(),
				Text: fmt.Sprintf("%s %d loopt af op %s: verleng of beëindig haar tijdig.", ag.Type.Label(), ag.ID, end.Format("02-01-2006"))})
		}
	}
	if !a.System {
		fps, err := s.store.Agreements().FormerParties(ctx, 0, a.User.OrganisationID)
		if err != nil {
			return nil, err
		}
		for _, f := range fps {
			if f.RemovedAt.Before(s.now().AddDate(0, 0, -removedNoticeDays)) {
				continue
			}
			by := f.RemovedBy
			if f.RemovedByOrg != 0 {
				if o, err := s.store.Register().Organisation(ctx, f.RemovedByOrg); err == nil {
					by += " (" + o.Name + ")"
				}
			}
			at := f.RemovedAt.In(calendar.Location())
			out = append(out, Reminder{Kind: "removed_party", AgreementID: f.AgreementID, Due: mgz.DateOf(at).String(),
				Text: fmt.Sprintf("Uw organisatie is op %s door %s verwijderd als partij bij %s %d. De nieuwe versie geldt zonder u; de versies tot en met versie %d, waarbij u partij was, kunt u blijven inzien. Klopt dit niet, neem dan contact op met de andere partijen.",
					at.Format("02-01-2006 om 15:04"), by, strings.ToLower(f.AgreementType.Label()), f.AgreementID, f.LastVersion)})
		}
	}
	if a.OrgKind != mgz.KindCareProvider || e == nil {
		return out, nil
	}
	// A care provider is party to its agreements as their provider: its active ones say which
	// of its locations are covered for which type.
	active, err := s.store.Agreements().ActiveAgreementsOfProvider(ctx, a.User.OrganisationID)
	if err != nil {
		return nil, err
	}
	covered := map[int64]map[mgz.AgreementType]bool{}
	for _, ag := range active {
		for _, l := range ag.Locations {
			if covered[l] == nil {
				covered[l] = map[mgz.AgreementType]bool{}
			}
			covered[l][ag.Type] = true
		}
	}
	locs, _, err := s.store.Register().Locations(ctx, mgz.LocationFilter{ProviderID: a.User.OrganisationID, Page: mgz.Page{Limit: mgz.MaxLimit}})
	if err != nil {
		return nil, err
	}
	if len(locs) == 0 {
		return out, nil
	}
	if err := s.authorize(ctx, s.store, a, access.Read, access.Resource{Kind: access.AgreementProposal, OrganisationID: a.User.OrganisationID}, mgz.AuditRead, 0); err != nil {
		return nil, err
	}
	// The residents of all the provider's locations in one aggregate, not a list per location:
	// a proposal only counts them per Wlz and delivery.
	counts, err := s.store.Overview().ResidentCounts(ctx, a.User.OrganisationID)
	if err != nil {
		return nil, err
	}
	residents := map[int64][]mgz.Patient{}
	for _, c := range counts {
		loc := c.LocationID
		for range c.N {
			residents[loc] = append(residents[loc], mgz.Patient{Wlz: c.Wlz, Delivery: c.Delivery, LocationID: &loc})
		}
	}
	for _, l := range locs {
		if len(residents[l.ID]) == 0 {
			continue // no Wlz residents: no proposal counts any
		}
		for _, p := range agreement.Propose(e, l, residents[l.ID]) {
			if p.Residents == 0 || covered[l.ID][mgz.AgreementType(p.Type)] {
				continue
			}
			out = append(out, Reminder{Kind: "missing_agreement", LocationID: l.ID,
				Text: fmt.Sprintf("%s heeft %d bewoner(s) voor wie een %s nodig is, maar er is geen actieve.", l.Name, p.Residents, strings.ToLower(mgz.AgreementType(p.Type).Label()))})
		}
	}
	return out, nil
}

// snapshot records the parties and locations of ag as the register has them now.
func (s *Service) snapshot(ctx context.Context, ag *mgz.Agreement) error {
	snap := &mgz.AgreementSnapshot{Organisations: map[int64]mgz.Organisation{}}
	for _, id := range ag.Parties() {
		o, err := s.store.Register().Organisation(ctx, id)
		if mgz.ErrorCode(err) == mgz.ECodeNotFound {
			continue // refused with a field message when stored
		}
		if err != nil {
			return err
		}
		snap.Organisations[id] = o
		snap.Region = o.CareOfficeRegion
	}
	for _, id := range ag.Locations {
		l, err := s.store.Register().Location(ctx, id)
		if mgz.ErrorCode(err) == mgz.ECodeNotFound {
			continue
		}
		if err != nil {
			return err
		}
		snap.Locations = append(snap.Locations, l)
	}
	ag.Snapshot = snap
	return nil
}

// AgreementDocument returns one version of an agreement as a document: the terms and parties of
// that version, its signatures, and for cooperation the §5 prerequisites of its locations as
// they were recorded when the version was made. The same version always gives the same document.
func (s *Service) AgreementDocument(ctx context.Context, a mgz.Actor, id int64, version int) (agreementdoc.Document, error) {
	cur, err := s.Agreement(ctx, a, id)
	if err != nil {
		return agreementdoc.Document{}, err
	}
	if version == 0 {
		version = cur.Version
	}
	if cur.Former != nil && version > cur.Former.LastVersion {
		return agreementdoc.Document{}, hidden() // a version made after the organisation was removed
	}
	v, err := s.store.Agreements().Version(ctx, id, version)
	if err != nil {
		return agreementdoc.Document{}, err
	}
	ag := v.Agreement
	ag.ID = id
	snap := ag.Snapshot
	if snap == nil {
		snap = &mgz.AgreementSnapshot{Organisations: map[int64]mgz.Organisation{}}
	}
	tz := calendar.Location()
	d := agreementdoc.Document{Type: string(ag.Type), Number: fmt.Sprintf("MGZ-%d-%04d", ag.Start.Year(), id), Version: ag.Version,
		VersionDate: v.At.In(tz), Start: ag.Start.Time, TermMonths: ag.TermMonths, NoticeMonths: ag.NoticeMonths,
		EvaluationMonths: ag.EvaluationMonths, HoursCovered: ag.HoursCovered, TariffUnit: ag.TariffUnit, Region: snap.Region}
	if ag.TariffCents > 0 {
		d.TariffAmount = fmt.Sprintf("€ %d,%02d", ag.TariffCents/100, ag.TariffCents%100)
	}
	roles := map[int64]string{}
	if ag.Type == mgz.AgreementSubcontract {
		roles[ag.Provider], roles[ag.Practice] = agreementdoc.RolePrincipal, agreementdoc.RoleSubcontractor
	} else {
		roles[ag.Practice], roles[ag.Provider] = agreementdoc.RolePractice, agreementdoc.RoleHousing
		if ag.GPPost != nil {
			roles[*ag.GPPost] = agreementdoc.RoleGPPost
		}
	}
	order := ag.Parties()
	if ag.Type == mgz.AgreementCooperation {
		order[0], order[1] = order[1], order[0] // the practice first, as the text names it
	}
	for _, pid := range order {
		o := snap.Organisations[pid]
		p := agreementdoc.Party{Role: roles[pid], Name: o.Name, AGB: o.AGB, KvK: o.KvK, Address: o.Address, Postcode: o.Postcode, City: o.City}
		for _, sg := range ag.Signatures {
			if sg.OrganisationID == pid {
				p.Signed = &agreementdoc.Signature{Name: sg.Name, Role: sg.Role, At: sg.At.In(tz)}
			}
		}
		d.Parties = append(d.Parties, p)
	}
	for _, l := range snap.Locations {
		d.Locations = append(d.Locations, agreementdoc.Location{Name: l.Name, Address: l.Address, Postcode: l.Postcode, Municipality: l.Municipality, Setting: l.Setting.Label()})
	}
	if ag.Type == mgz.AgreementCooperation {
		for _, l := range snap.Locations {
			hist, err := s.store.Prerequisites().History(ctx, l.ID, "")
			if err != nil {
				return d, err
			}
			// The newest version of each item recorded before this version was made.
			asOf := map[mgz.PrerequisiteKey]mgz.PrerequisiteItem{}
			for _, it := range hist {
				if it.ConfirmedAt.After(v.At) {
					continue
				}
				if _, seen := asOf[it.Key]; !seen {
					asOf[it.Key] = it
				}
			}
			for _, def := range mgz.Prerequisites {
				item := agreementdoc.AnnexItem{Requirement: l.Name + ": " + def.Requirement, Status: mgz.StatusUnknown.Label(), Sources: def.Sources}
				if it, ok := asOf[def.Key]; ok {
					item.Status, item.Note = it.Status.Label(), it.Note
					if it.ValidUntil != nil {
						item.ValidUntil = it.ValidUntil.Format("02-01-2006")
					}
				}
				d.Annex = append(d.Annex, item)
			}
		}
	}
	// Making the document to print or save is recorded (NEN 7513 "print").
	if err := s.store.Audit().Append(ctx, agreementEntry(a, mgz.AuditPrint, ag, fmt.Sprintf("document van versie %d", ag.Version))); err != nil {
		return d, err
	}
	return d, nil
}
