package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/calendar"
)

// Upload is a document sent as evidence for a prerequisite.
type Upload struct {
	Name    string
	Content []byte
}

// today is now in the region's time zone, whose calendar date is today.
func (s *Service) today() time.Time { return s.now().In(calendar.Location()) }

func (s *Service) location(ctx context.Context, id int64) (mgz.Location, error) {
	return s.store.Register().Location(ctx, id)
}

// Readiness returns a location's checklist of domain.md §5, evaluated today.
func (s *Service) Readiness(ctx context.Context, a mgz.Actor, locationID int64) (mgz.Location, mgz.Readiness, error) {
	l, err := s.location(ctx, locationID)
	if err != nil {
		return l, mgz.Readiness{}, err
	}
	if err := s.authorize(ctx, s.store, a, access.Read, access.Resource{Kind: access.Prerequisite, OrganisationID: l.ProviderID}, mgz.AuditRead, l.ID); err != nil {
		return l, mgz.Readiness{}, err
	}
	items, err := s.store.Prerequisites().Items(ctx, l.ID)
	if err != nil {
		return l, mgz.Readiness{}, err
	}
	hist, err := s.store.Prerequisites().History(ctx, l.ID, "")
	if err != nil {
		return l, mgz.Readiness{}, err
	}
	versions := map[mgz.PrerequisiteKey]int64{}
	for _, h := range hist {
		versions[h.Key]++
	}
	facts, err := s.store.Prerequisites().RegisterFactsOf(ctx, []int64{l.ID})
	if err != nil {
		return l, mgz.Readiness{}, err
	}
	rd := mgz.EvaluateWithRegister(l.ID, items, s.today(), facts[l.ID])
	for i := range rd.Items {
		rd.Items[i].Item.Revision = versions[rd.Items[i].Def.Key] + 1
	}
	return l, rd, nil
}

// ReadinessOf evaluates many locations at once, for lists. Locations whose checklist the actor
// may not read are left out; nothing is audited, since a refusal is not asked for.
func (s *Service) ReadinessOf(ctx context.Context, a mgz.Actor, locs []mgz.Location) (map[int64]mgz.Readiness, error) {
	ids := make([]int64, 0, len(locs))
	for _, l := range locs {
		if access.Decide(a, access.Read, access.Resource{Kind: access.Prerequisite, OrganisationID: l.ProviderID}).Allow {
			ids = append(ids, l.ID)
		}
	}
	items, err := s.store.Prerequisites().ItemsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	facts, err := s.store.Prerequisites().RegisterFactsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]mgz.Readiness, len(ids))
	today := s.today()
	for _, id := range ids {
		out[id] = mgz.EvaluateWithRegister(id, items[id], today, facts[id])
	}
	return out, nil
}

// PrerequisiteHistory returns every recorded version of a location's items, newest first.
func (s *Service) PrerequisiteHistory(ctx context.Context, a mgz.Actor, locationID int64, key mgz.PrerequisiteKey) ([]mgz.PrerequisiteItem, error) {
	l, err := s.location(ctx, locationID)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, s.store, a, access.Read, access.Resource{Kind: access.Prerequisite, OrganisationID: l.ProviderID}, mgz.AuditRead, l.ID); err != nil {
		return nil, err
	}
	hist, err := s.store.Prerequisites().History(ctx, l.ID, key)
	if err != nil {
		return nil, err
	}
	// Number the versions per key, oldest first, as the revision each made.
	seen := map[mgz.PrerequisiteKey]int64{}
	for i := len(hist) - 1; i >= 0; i-- {
		seen[hist[i].Key]++
		hist[i].Revision = seen[hist[i].Key] + 1
	}
	return hist, nil
}

// PrerequisiteRevision is the revision of a location's item: 1 before anything was recorded,
// one more with every recorded version. It is the ETag of the item and the hidden form field.
func PrerequisiteRevision(history []mgz.PrerequisiteItem) int64 { return int64(len(history)) + 1 }

// RecordPrerequisite records a new version of an item, confirmed by the actor now, with an
// optional document as evidence; the document, the item and their audit entries are written
// together or not at all. rev is the item's revision the actor saw (0: not said); when another
// version was recorded since, nothing is stored and the answer (409) says what was recorded.
func (s *Service) RecordPrerequisite(ctx context.Context, a mgz.Actor, it *mgz.PrerequisiteItem, up *Upload, rev int64) error {
	l, err := s.location(ctx, it.LocationID)
	if err != nil {
		return err
	}
	if err := s.authorize(ctx, s.store, a, access.Update, access.Resource{Kind: access.Prerequisite, OrganisationID: l.ProviderID}, mgz.AuditUpdate, l.ID); err != nil {
		return err
	}
	var doc *mgz.Document
	if up != nil {
		if doc, err = checkUpload(it.Key, l.ID, up); err != nil {
			return err
		}
		one := int64(-1) // a placeholder: the stored document's id follows
		it.DocumentID = &one
	}
	keepEvidence := up == nil && it.DocumentID == nil
	it.ConfirmedBy, it.ConfirmedByName, it.ConfirmedAt = a.User.ID, a.User.Name, s.now()
	if a.System {
		it.ConfirmedByName = "opdrachtregel"
	}
	if err := it.Normalise(s.today()); err != nil {
		return err
	}
	return s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		// The item's versions are read in the write transaction: a version recorded by someone
		// else since the actor opened the item is never silently replaced.
		hist, err := tx.Prerequisites().History(ctx, l.ID, it.Key)
		if err != nil {
			return nil, err
		}
		if cur := PrerequisiteRevision(hist); mgz.Stale(rev, cur) {
			var lines []string
			for i := len(hist) - 1; i >= 0; i-- {
				if h := hist[i]; PrerequisiteRevision(hist[i:]) > rev {
					lines = append(lines, fmt.Sprintf("vastgelegd als %s door %s (%s)", strings.ToLower(h.Status.Label()), h.ConfirmedByName, changeMoment(h.ConfirmedAt)))
				}
			}
			return nil, mgz.StaleEdit("De randvoorwaarde", rev, cur, lines)
		}
		if keepEvidence && len(hist) > 0 {
			// Confirming again without a new upload keeps the evidence already on file.
			it.DocumentID = hist[0].DocumentID
		}
		if doc != nil {
			doc.UploadedBy, doc.UploadedAt = a.User.ID, it.ConfirmedAt
			if err := tx.Prerequisites().AddDocument(ctx, doc, up.Content); err != nil {
				return nil, err
			}
			e := entry(a, mgz.AuditCreate, "prerequisite_document", doc.ID, l.ProviderID)
			e.Reason = fmt.Sprintf("bewijs bij %s van locatie %d", it.Key, l.ID)
			if err := tx.Audit().Append(ctx, e); err != nil {
				return nil, err
			}
			it.DocumentID = &doc.ID
		}
		if err := tx.Prerequisites().Record(ctx, it); err != nil {
			return nil, err
		}
		it.Revision = PrerequisiteRevision(hist) + 1
		e := entry(a, mgz.AuditUpdate, "prerequisite", it.ID, l.ProviderID)
		// People read this line on the audit page: the requirement and status in Dutch, not their keys.
		what := string(it.Key)
		if def, ok := mgz.PrerequisiteByKey(it.Key); ok {
			what = def.Requirement
		}
		e.Reason = fmt.Sprintf("%s (locatie %d): %s", what, l.ID, strings.ToLower(it.Status.Label()))
		return e, nil
	})
}

// checkUpload accepts a prerequisite's evidence by the rules of checkDocument.
func checkUpload(key mgz.PrerequisiteKey, locationID int64, up *Upload) (*mgz.Document, error) {
	c, err := checkDocument(up)
	if err != nil {
		return nil, err
	}
	return &mgz.Document{LocationID: locationID, Key: key, Name: c.Name, ContentType: c.ContentType, Size: c.Size, SHA256: c.SHA256}, nil
}

// checkedDocument is an upload that passed checkDocument.
type checkedDocument struct {
	Name, ContentType, SHA256 string
	Size                      int64
}

// checkDocument accepts a PDF, PNG or JPEG up to mgz.MaxDocumentSize, judged by its content, not
// by its name: the one rule for every document uploaded to mgz (prerequisite evidence, report
// attachments).
func checkDocument(up *Upload) (checkedDocument, error) {
	bad := func(msg string) error {
		return &mgz.Error{Code: mgz.ECodeInvalid, Message: "Het document kan niet worden opgeslagen.", Fields: map[string]string{"document": msg}}
	}
	switch {
	case len(up.Content) == 0:
		return checkedDocument{}, bad("Het bestand is leeg. Kies het document opnieuw.")
	case len(up.Content) > mgz.MaxDocumentSize:
		return checkedDocument{}, bad(fmt.Sprintf("Het bestand is te groot: hoogstens %d MB. Verklein het of maak er een pdf van.", mgz.MaxDocumentSize>>20))
	}
	ct := http.DetectContentType(up.Content)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ext, ok := mgz.DocumentTypes[ct]
	if !ok {
		return checkedDocument{}, bad("Alleen een pdf of een afbeelding (png, jpg) kan als bewijs dienen; dit bestand is geen van die drie, wat de naam ook zegt.")
	}
	name := strings.TrimSpace(filepath.Base(strings.ReplaceAll(stripBidi(up.Name), `\`, "/")))
	if name == "" || name == "." || name == "/" || !utf8.ValidString(name) {
		name = "document"
	}
	if len([]rune(name)) > 200 {
		name = string([]rune(name)[:200])
	}
	if !strings.HasSuffix(strings.ToLower(name), "."+ext) && !(ext == "jpg" && strings.HasSuffix(strings.ToLower(name), ".jpeg")) {
		name += "." + ext
	}
	sum := sha256.Sum256(up.Content)
	return checkedDocument{Name: name, ContentType: ct, Size: int64(len(up.Content)), SHA256: hex.EncodeToString(sum[:])}, nil
}

// PrerequisiteDocument returns a document for those who may read the location's checklist.
func (s *Service) PrerequisiteDocument(ctx context.Context, a mgz.Actor, id int64) (mgz.Document, []byte, error) {
	d, content, err := s.store.Prerequisites().Document(ctx, id)
	if err != nil {
		return d, nil, err
	}
	l, err := s.location(ctx, d.LocationID)
	if err != nil {
		return d, nil, err
	}
	if err := s.authorize(ctx, s.store, a, access.Read, access.Resource{Kind: access.Prerequisite, OrganisationID: l.ProviderID}, mgz.AuditRead, id); err != nil {
		return mgz.Document{}, nil, err
	}
	return d, content, nil
}

// Today is now in the region's time zone; its calendar date is the region's today.
func (s *Service) Today() time.Time { return s.today() }

// stripBidi removes the characters that change the direction text is shown in (the embeddings
// and overrides U+202A–U+202E, the isolates U+2066–U+2069 and the marks U+200E/U+200F): in a
// file name they make "factuur\u202Efdp.exe" look like "factuurexe.pdf".
func stripBidi(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069', r == '\u200E', r == '\u200F':
			return -1
		}
		return r
	}, s)
}
