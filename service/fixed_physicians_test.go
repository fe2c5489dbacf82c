package service

import (
	"testing"

	"github.com/regio-mgz/mgz"
)

func TestFixedPhysicianPolicyAndAudit(t *testing.T) {
	f := newFixture(t)
	loc := f.location(f.provider.ID, "De Beuk")
	other := f.org(mgz.KindCareProvider, "Zorggroep Zuid", "")
	_, cpEditor := f.user(f.provider, mgz.RoleEditor)
	_, cpViewer := f.user(f.provider, mgz.RoleViewer)
	_, otherEditor := f.user(other, mgz.RoleEditor)
	_, gpEditor := f.user(f.practice, mgz.RoleEditor)

	n := len(f.entries())
	fp := &mgz.FixedPhysician{LocationID: &loc.ID, Sector: mgz.SectorElderly, Name: "Dr. E. Smit", Phone: "0120 555123"}
	if err := f.s.CreateFixedPhysician(f.ctx, cpEditor, fp); err != nil {
		t.Fatal(err)
	}
	e := f.oneEntry(n)
	if e.Action != mgz.AuditCreate || e.ObjectType != "fixed_physician" || e.ObjectID != fp.ID || e.Outcome == mgz.OutcomeDenied {
		t.Fatalf("create entry: %+v", e)
	}

	t.Run("another provider's editor is refused, nothing written, the denial audited", func(t *testing.T) {
		n := len(f.entries())
		wantCode(t, f.s.CreateFixedPhysician(f.ctx, otherEditor, &mgz.FixedPhysician{LocationID: &loc.ID, Sector: mgz.SectorDisability,
			Name: "X", Phone: "0120 555124"}), mgz.ECodeForbidden, "")
		if e := f.oneEntry(n); e.Outcome != mgz.OutcomeDenied || e.ObjectType != "fixed_physician" || e.Action != mgz.AuditCreate {
			t.Fatalf("denial entry: %+v", e)
		}
		n = len(f.entries())
		up := *fp
		up.Name = "Overgenomen"
		wantCode(t, f.s.UpdateFixedPhysician(f.ctx, otherEditor, &up), mgz.ECodeForbidden, "")
		if e := f.oneEntry(n); e.Outcome != mgz.OutcomeDenied || e.ObjectID != fp.ID {
			t.Fatalf("denial entry: %+v", e)
		}
		n = len(f.entries())
		wantCode(t, f.s.DeleteFixedPhysician(f.ctx, cpViewer, fp.ID, 0), mgz.ECodeForbidden, "")
		if e := f.oneEntry(n); e.Outcome != mgz.OutcomeDenied || e.Action != mgz.AuditDelete {
			t.Fatalf("denial entry: %+v", e)
		}
		all, err := f.s.FixedPhysicians(f.ctx, otherEditor, mgz.FixedPhysicianFilter{LocationID: loc.ID})
		if err != nil || len(all) != 1 || all[0].Name != "Dr. E. Smit" || all[0].Revision != 1 {
			t.Fatalf("after refusals: %+v, %v", all, err)
		}
	})
	t.Run("a GP practice's editor records its own, not another practice's", func(t *testing.T) {
		if err := f.s.CreateFixedPhysician(f.ctx, gpEditor, &mgz.FixedPhysician{OrganisationID: &f.practice.ID, Sector: mgz.SectorDisability,
			Name: "Dr. A. Visser", Phone: "0120 555125"}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.s.CreateFixedPhysician(f.ctx, cpEditor, &mgz.FixedPhysician{OrganisationID: &f.practice.ID, Sector: mgz.SectorElderly,
			Name: "X", Phone: "0120 555126"}), mgz.ECodeForbidden, "")
	})
	t.Run("the owner's editor updates and deletes; a stale revision is a conflict", func(t *testing.T) {
		up := *fp
		up.Name = "Dr. E. Smit-de Boer"
		n := len(f.entries())
		if err := f.s.UpdateFixedPhysician(f.ctx, cpEditor, &up); err != nil {
			t.Fatal(err)
		}
		if e := f.oneEntry(n); e.Action != mgz.AuditUpdate || e.ObjectID != fp.ID {
			t.Fatalf("update entry: %+v", e)
		}
		stale := *fp
		stale.Name = "Oud"
		wantCode(t, f.s.UpdateFixedPhysician(f.ctx, cpEditor, &stale), mgz.ECodeConflict, "")
		wantCode(t, f.s.DeleteFixedPhysician(f.ctx, cpEditor, fp.ID, 1), mgz.ECodeConflict, "")
		if err := f.s.DeleteFixedPhysician(f.ctx, cpEditor, fp.ID, 2); err != nil {
			t.Fatal(err)
		}
		_, err := f.s.FixedPhysician(f.ctx, cpViewer, fp.ID)
		wantCode(t, err, mgz.ECodeNotFound, "")
	})
}
