package access

import (
	"testing"

	"github.com/regio-mgz/mgz"
)

// TestHandoverPolicy checks every rule of issue 12 §2 on the pure policy: the lead physician's
// organisation (here the SO/AVG service) edits; the client's parties read; the region's GP post
// reads out of hours and breaks the glass otherwise; an involved organisation breaks the glass;
// an emergency access lets them read; anyone else is not told the handover exists.
func TestHandoverPolicy(t *testing.T) {
	base := Resource{Kind: Handover, OrganisationID: serviceOrg, Parties: []int64{practiceOrg, providerOrg, serviceOrg},
		OutOfHoursReaders: []int64{postOrg}, Involved: []int64{otherOrg}}
	otherPractice := user(401, otherOrg, mgz.KindGPPractice, mgz.RolePhysician)
	stranger := user(701, 7, mgz.KindGPPractice, mgz.RolePhysician)
	with := func(f func(*Resource)) Resource { r := base; f(&r); return r }
	night := with(func(r *Resource) { r.OutOfHours = true })
	emergency := with(func(r *Resource) { r.Emergency = true })
	type want int
	const (
		allowed want = iota
		glass
		hidden
		forbidden
	)
	for _, tc := range []struct {
		name string
		a    mgz.Actor
		act  Action
		r    Resource
		want want
	}{
		{"the lead's physician writes", servicePhysician, Update, base, allowed},
		{"the lead's editor writes", serviceEditor, Create, base, allowed},
		{"the lead's viewer reads", serviceViewer, Read, base, allowed},
		{"the lead's viewer does not write", serviceViewer, Update, base, forbidden},
		{"the registered practice reads", gpViewer, Read, base, allowed},
		{"the registered practice does not write", gpPhysician, Update, base, forbidden},
		{"the care provider reads", cpViewer, Read, base, allowed},
		{"the GP post reads out of hours", postViewer, Read, night, allowed},
		{"the GP post breaks the glass in office hours", postPhysician, Read, base, glass},
		{"the GP post reads by emergency access", postPhysician, Read, emergency, allowed},
		{"the GP post never writes", postPhysician, Update, night, forbidden},
		{"an involved practice breaks the glass, day or night", otherPractice, Read, night, glass},
		{"an involved practice reads by emergency access", otherPractice, Read, emergency, allowed},
		{"a practice not involved is not told", stranger, Read, night, hidden},
		{"a practice not involved is not told, even with a stray emergency flag", stranger, Read, emergency, hidden},
		{"the RHO is not told", rhoAdmin, Read, night, hidden},
		{"a practice not involved cannot write", stranger, Update, base, hidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Decide(tc.a, tc.act, tc.r)
			var got want
			switch {
			case d.Allow:
				got = allowed
			case d.BreakGlass:
				got = glass
			case d.Hide:
				got = hidden
			default:
				got = forbidden
			}
			if got != tc.want || d.Reason == "" {
				t.Fatalf("Decide = %+v, want outcome %d with a reason", d, tc.want)
			}
		})
	}
}
