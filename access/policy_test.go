package access

import (
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/regio-mgz/mgz"
)

// The organisations of the tests: the region's RHO, a GP practice, a care provider and a care
// provider of someone else.
const (
	rhoOrg      int64 = 1
	practiceOrg int64 = 2
	providerOrg int64 = 3
	otherOrg    int64 = 4
)

// user returns a signed-in actor: user id of org (of kind) with roles.
func user(id, org int64, kind mgz.OrgKind, roles ...mgz.UserRole) mgz.Actor {
	return mgz.Actor{User: mgz.User{ID: id, OrganisationID: org, Email: fmt.Sprintf("u%d@test.example", id), Roles: roles},
		OrgKind: kind}
}

var (
	rhoViewer   = user(101, rhoOrg, mgz.KindRegionalGPOrg, mgz.RoleViewer)
	rhoEditor   = user(102, rhoOrg, mgz.KindRegionalGPOrg, mgz.RoleEditor)
	rhoAdmin    = user(103, rhoOrg, mgz.KindRegionalGPOrg, mgz.RoleAdmin)
	gpViewer    = user(201, practiceOrg, mgz.KindGPPractice, mgz.RoleViewer)
	gpEditor    = user(202, practiceOrg, mgz.KindGPPractice, mgz.RoleEditor)
	gpAdmin     = user(203, practiceOrg, mgz.KindGPPractice, mgz.RoleAdmin)
	gpPhysician = user(204, practiceOrg, mgz.KindGPPractice, mgz.RolePhysician)
	cpViewer    = user(301, providerOrg, mgz.KindCareProvider, mgz.RoleViewer)
	cpEditor    = user(302, providerOrg, mgz.KindCareProvider, mgz.RoleEditor)
	cpAdmin     = user(303, providerOrg, mgz.KindCareProvider, mgz.RoleAdmin)

	// disabledAdmin would be allowed much as rhoAdmin, were the account not disabled.
	disabledAdmin = func() mgz.Actor {
		a := user(104, rhoOrg, mgz.KindRegionalGPOrg, mgz.RoleAdmin)
		a.User.Disabled = true
		return a
	}()

	everyUser = []mgz.Actor{rhoViewer, rhoEditor, rhoAdmin, gpViewer, gpEditor, gpAdmin, gpPhysician, cpViewer, cpEditor, cpAdmin,
		postViewer, postEditor, postAdmin, postPhysician, serviceViewer, serviceEditor, serviceAdmin, servicePhysician,
		officeViewer, officeEditor, officeAdmin, ggdAdmin}

	allKinds   = []Kind{Organisation, Location, ContactPoint, Settings, Rules, User, Token, AuditLog, Prerequisite, Patient, Registration, PracticeProfile, Coverage, AgreementProposal, Agreement, Inbox, MailOutbox, Escalation, RegionalOverview, AgreementMeta, Handover, Roster, Availability, FixedPhysician}
	allActions = []Action{Read, Create, Update, Delete, Export, Sign}
)

func who(a mgz.Actor) string {
	if a.System {
		return "system"
	}
	roles := make([]string, len(a.User.Roles))
	for i, r := range a.User.Roles {
		roles[i] = string(r)
	}
	return fmt.Sprintf("%s-%d(%s)", a.OrgKind, a.User.OrganisationID, strings.Join(roles, ","))
}

type policyCase struct {
	name  string
	a     mgz.Actor
	act   Action
	r     Resource
	allow bool
	hide  bool
}

func runPolicyCases(t *testing.T, cases []policyCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Decide(c.a, c.act, c.r)
			if d.Allow != c.allow {
				t.Fatalf("Decide(%s, %s, %+v).Allow = %v (reason %q), want %v", who(c.a), c.act, c.r, d.Allow, d.Reason, c.allow)
			}
			if d.Hide != c.hide {
				t.Errorf("Decide(%s, %s, %+v).Hide = %v, want %v", who(c.a), c.act, c.r, d.Hide, c.hide)
			}
			if d.Reason == "" {
				t.Errorf("Decide(%s, %s, %+v) has no reason", who(c.a), c.act, c.r)
			}
		})
	}
}

func TestSystemActorIsAllowedEverything(t *testing.T) {
	sys := mgz.Actor{System: true, Address: "opdrachtregel"}
	for _, k := range append(allKinds, Kind("patient")) {
		for _, act := range allActions {
			for _, org := range []int64{0, rhoOrg, otherOrg} {
				if d := Decide(sys, act, Resource{Kind: k, OrganisationID: org, UserID: 7}); !d.Allow {
					t.Errorf("system %s %s of organisation %d: denied (%q), want allowed", act, k, org, d.Reason)
				}
			}
		}
	}
}

func TestNobodyAndDisabledUsersAreDeniedEverything(t *testing.T) {
	actors := map[string]mgz.Actor{
		"zero actor":                        {},
		"user without id, admin of the RHO": {OrgKind: mgz.KindRegionalGPOrg, User: mgz.User{OrganisationID: rhoOrg, Roles: []mgz.UserRole{mgz.RoleAdmin}}},
		"disabled admin of the RHO":         disabledAdmin,
	}
	for name, a := range actors {
		t.Run(name, func(t *testing.T) {
			for _, k := range allKinds {
				for _, act := range allActions {
					r := Resource{Kind: k, OrganisationID: a.User.OrganisationID, UserID: a.User.ID}
					d := Decide(a, act, r)
					if d.Allow {
						t.Errorf("%s %s: allowed (%q), want denied", act, k, d.Reason)
					}
					if d.Reason == "" {
						t.Errorf("%s %s: denial without a reason", act, k)
					}
				}
			}
		})
	}
}

func TestUnknownKindOrActionIsDeniedByDefault(t *testing.T) {
	runPolicyCases(t, []policyCase{
		{"unknown kind, read, by RHO admin", rhoAdmin, Read, Resource{Kind: "no_such_kind", OrganisationID: rhoOrg}, false, false},
		{"unknown kind, create, by RHO admin", rhoAdmin, Create, Resource{Kind: "no_such_kind", OrganisationID: rhoOrg}, false, false},
		{"empty kind, read", gpAdmin, Read, Resource{OrganisationID: practiceOrg}, false, false},
		{"unknown action on organisation", rhoAdmin, Action("approve"), Resource{Kind: Organisation, OrganisationID: practiceOrg}, false, false},
		{"unknown action on location", cpAdmin, Action("approve"), Resource{Kind: Location, OrganisationID: providerOrg}, false, false},
		{"unknown action on settings", rhoAdmin, Action("approve"), Resource{Kind: Settings}, false, false},
		{"export organisation", rhoAdmin, Export, Resource{Kind: Organisation, OrganisationID: practiceOrg}, false, false},
		{"export locations", cpAdmin, Export, Resource{Kind: Location, OrganisationID: providerOrg}, false, false},
		{"export contact points", gpAdmin, Export, Resource{Kind: ContactPoint, OrganisationID: practiceOrg}, false, false},
		{"create settings", rhoAdmin, Create, Resource{Kind: Settings}, false, false},
		{"delete settings", rhoAdmin, Delete, Resource{Kind: Settings}, false, false},
		{"change the rules", rhoAdmin, Update, Resource{Kind: Rules}, false, false},
		{"create rules", rhoAdmin, Create, Resource{Kind: Rules}, false, false},
	})
}

func TestRegisterAndRulesAreReadableByEverySignedInUser(t *testing.T) {
	var cases []policyCase
	for _, a := range everyUser {
		for _, k := range []Kind{Organisation, Location, ContactPoint, Rules} {
			for _, org := range []int64{a.User.OrganisationID, otherOrg} {
				cases = append(cases, policyCase{fmt.Sprintf("%s reads %s of organisation %d", who(a), k, org), a, Read,
					Resource{Kind: k, OrganisationID: org}, true, false})
			}
		}
	}
	runPolicyCases(t, cases)
}

func TestOrganisationIsCreatedOnlyByRHOEditorOrAdmin(t *testing.T) {
	res := Resource{Kind: Organisation}
	runPolicyCases(t, []policyCase{
		{"RHO editor", rhoEditor, Create, res, true, false},
		{"RHO admin", rhoAdmin, Create, res, true, false},
		{"RHO viewer", rhoViewer, Create, res, false, false},
		{"practice editor", gpEditor, Create, res, false, false},
		{"practice admin", gpAdmin, Create, res, false, false},
		{"care provider admin", cpAdmin, Create, res, false, false},
	})
}

func TestOrganisationIsUpdatedByItsOwnEditorsOrAnyRHOEditor(t *testing.T) {
	own := func(a mgz.Actor) Resource { return Resource{Kind: Organisation, OrganisationID: a.User.OrganisationID} }
	other := Resource{Kind: Organisation, OrganisationID: otherOrg}
	runPolicyCases(t, []policyCase{
		{"practice editor updates own", gpEditor, Update, own(gpEditor), true, false},
		{"practice admin updates own", gpAdmin, Update, own(gpAdmin), true, false},
		{"care provider editor updates own", cpEditor, Update, own(cpEditor), true, false},
		{"practice viewer cannot update own", gpViewer, Update, own(gpViewer), false, false},
		{"practice physician cannot update own", gpPhysician, Update, own(gpPhysician), false, false},
		{"practice editor cannot update another", gpEditor, Update, other, false, false},
		{"practice admin cannot update another", gpAdmin, Update, other, false, false},
		{"care provider admin cannot update another", cpAdmin, Update, Resource{Kind: Organisation, OrganisationID: practiceOrg}, false, false},
		{"RHO editor updates own", rhoEditor, Update, own(rhoEditor), true, false},
		{"RHO editor updates another", rhoEditor, Update, other, true, false},
		{"RHO admin updates another", rhoAdmin, Update, other, true, false},
		{"RHO viewer cannot update another", rhoViewer, Update, other, false, false},
		{"RHO viewer cannot update own", rhoViewer, Update, own(rhoViewer), false, false},
	})
}

func TestOrganisationIsDeletedOnlyByRHOAdminAndNeverItsOwn(t *testing.T) {
	other := Resource{Kind: Organisation, OrganisationID: otherOrg}
	runPolicyCases(t, []policyCase{
		{"RHO admin deletes another", rhoAdmin, Delete, other, true, false},
		{"RHO admin cannot delete the RHO itself", rhoAdmin, Delete, Resource{Kind: Organisation, OrganisationID: rhoOrg}, false, false},
		{"RHO editor cannot delete", rhoEditor, Delete, other, false, false},
		{"RHO viewer cannot delete", rhoViewer, Delete, other, false, false},
		{"practice admin cannot delete own", gpAdmin, Delete, Resource{Kind: Organisation, OrganisationID: practiceOrg}, false, false},
		{"practice admin cannot delete another", gpAdmin, Delete, other, false, false},
		{"care provider admin cannot delete another", cpAdmin, Delete, other, false, false},
	})
}

func TestLocationsAreChangedOnlyByAnEditorOfTheOwningCareProvider(t *testing.T) {
	var cases []policyCase
	for _, act := range []Action{Create, Update, Delete} {
		own := Resource{Kind: Location, OrganisationID: providerOrg}
		other := Resource{Kind: Location, OrganisationID: otherOrg}
		cases = append(cases,
			policyCase{string(act) + " own by care provider editor", cpEditor, act, own, true, false},
			policyCase{string(act) + " own by care provider admin", cpAdmin, act, own, true, false},
			policyCase{string(act) + " own by care provider viewer", cpViewer, act, own, false, false},
			policyCase{string(act) + " another provider's by care provider admin", cpAdmin, act, other, false, false},
			policyCase{string(act) + " by RHO editor", rhoEditor, act, own, false, false},
			policyCase{string(act) + " by RHO admin", rhoAdmin, act, own, false, false},
			// Owning the resource is not enough: only a care provider has locations.
			policyCase{string(act) + " owned by a practice, by its editor", gpEditor, act, Resource{Kind: Location, OrganisationID: practiceOrg}, false, false},
			policyCase{string(act) + " without owner", cpAdmin, act, Resource{Kind: Location}, false, false},
		)
	}
	runPolicyCases(t, cases)
}

func TestContactPointsAreChangedByAnEditorOfTheOwningOrganisation(t *testing.T) {
	var cases []policyCase
	for _, act := range []Action{Create, Update, Delete} {
		cases = append(cases,
			policyCase{string(act) + " own by practice editor", gpEditor, act, Resource{Kind: ContactPoint, OrganisationID: practiceOrg}, true, false},
			policyCase{string(act) + " own by practice admin", gpAdmin, act, Resource{Kind: ContactPoint, OrganisationID: practiceOrg}, true, false},
			policyCase{string(act) + " own by care provider editor", cpEditor, act, Resource{Kind: ContactPoint, OrganisationID: providerOrg}, true, false},
			policyCase{string(act) + " own by RHO editor", rhoEditor, act, Resource{Kind: ContactPoint, OrganisationID: rhoOrg}, true, false},
			policyCase{string(act) + " another's by practice admin", gpAdmin, act, Resource{Kind: ContactPoint, OrganisationID: providerOrg}, false, false},
			policyCase{string(act) + " another's by RHO admin", rhoAdmin, act, Resource{Kind: ContactPoint, OrganisationID: practiceOrg}, false, false},
			policyCase{string(act) + " without owner", gpAdmin, act, Resource{Kind: ContactPoint}, false, false},
		)
	}
	runPolicyCases(t, cases)
}

func TestViewersAndPhysiciansNeverChangeTheRegisterOrSettings(t *testing.T) {
	var cases []policyCase
	for _, a := range []mgz.Actor{rhoViewer, gpViewer, gpPhysician, cpViewer} {
		for _, k := range []Kind{Organisation, Location, ContactPoint} {
			for _, act := range []Action{Create, Update, Delete} {
				cases = append(cases, policyCase{fmt.Sprintf("%s %s own %s", who(a), act, k), a, act,
					Resource{Kind: k, OrganisationID: a.User.OrganisationID}, false, false})
			}
		}
		cases = append(cases, policyCase{who(a) + " update settings", a, Update, Resource{Kind: Settings}, false, false})
	}
	runPolicyCases(t, cases)
}

func TestSettingsAreReadByAllAndUpdatedOnlyByRHOAdmin(t *testing.T) {
	var cases []policyCase
	for _, a := range everyUser {
		cases = append(cases, policyCase{who(a) + " reads", a, Read, Resource{Kind: Settings}, true, false})
		cases = append(cases, policyCase{who(a) + " updates", a, Update, Resource{Kind: Settings}, a.User.ID == rhoAdmin.User.ID, false})
	}
	runPolicyCases(t, cases)
}

func TestUsersSelfOwnOrganisationAdminAndOtherOrganisationsHidden(t *testing.T) {
	self := func(a mgz.Actor) Resource {
		return Resource{Kind: User, OrganisationID: a.User.OrganisationID, UserID: a.User.ID}
	}
	colleague := Resource{Kind: User, OrganisationID: practiceOrg, UserID: 9999}
	stranger := Resource{Kind: User, OrganisationID: providerOrg, UserID: 9998}
	runPolicyCases(t, []policyCase{
		{"viewer reads self", gpViewer, Read, self(gpViewer), true, false},
		{"viewer updates self", gpViewer, Update, self(gpViewer), true, false},
		{"physician reads self", gpPhysician, Read, self(gpPhysician), true, false},
		{"viewer cannot delete self", gpViewer, Delete, self(gpViewer), false, false},
		{"viewer cannot export self", gpViewer, Export, self(gpViewer), false, false},
		{"viewer cannot read colleague", gpViewer, Read, colleague, false, false},
		{"editor cannot update colleague", gpEditor, Update, colleague, false, false},
		{"editor cannot list own organisation's users", gpEditor, Read, Resource{Kind: User, OrganisationID: practiceOrg}, false, false},
		{"admin lists own organisation's users", gpAdmin, Read, Resource{Kind: User, OrganisationID: practiceOrg}, true, false},
		{"admin creates user in own organisation", gpAdmin, Create, Resource{Kind: User, OrganisationID: practiceOrg}, true, false},
		{"admin reads colleague", gpAdmin, Read, colleague, true, false},
		{"admin updates colleague", gpAdmin, Update, colleague, true, false},
		{"admin deletes colleague", gpAdmin, Delete, colleague, true, false},
		{"admin cannot export colleague", gpAdmin, Export, colleague, false, false},
		{"admin cannot read user of another organisation", gpAdmin, Read, stranger, false, true},
		{"admin cannot update user of another organisation", gpAdmin, Update, stranger, false, true},
		{"admin cannot create user in another organisation", gpAdmin, Create, Resource{Kind: User, OrganisationID: providerOrg}, false, true},
		{"RHO admin cannot read user of another organisation", rhoAdmin, Read, stranger, false, true},
		{"viewer cannot read user of another organisation", gpViewer, Read, stranger, false, true},
		{"admin cannot act on users without organisation", gpAdmin, Read, Resource{Kind: User}, false, true},
	})
}

func TestTokensOnlyBySelfAndOthersHidden(t *testing.T) {
	mine := func(a mgz.Actor) Resource {
		return Resource{Kind: Token, OrganisationID: a.User.OrganisationID, UserID: a.User.ID}
	}
	colleagues := Resource{Kind: Token, OrganisationID: practiceOrg, UserID: 9999}
	strangers := Resource{Kind: Token, OrganisationID: providerOrg, UserID: 9998}
	var cases []policyCase
	for _, act := range []Action{Read, Create, Update, Delete} {
		cases = append(cases,
			policyCase{"viewer " + string(act) + " own", gpViewer, act, mine(gpViewer), true, false},
			policyCase{"physician " + string(act) + " own", gpPhysician, act, mine(gpPhysician), true, false},
			policyCase{"admin " + string(act) + " colleague's", gpAdmin, act, colleagues, false, true},
			policyCase{"RHO admin " + string(act) + " stranger's", rhoAdmin, act, strangers, false, true},
		)
	}
	cases = append(cases, policyCase{"viewer export own", gpViewer, Export, mine(gpViewer), false, true})
	runPolicyCases(t, cases)
}

func TestAuditLogOnlyReadAndExportedByOwnOrganisationAdmin(t *testing.T) {
	own := Resource{Kind: AuditLog, OrganisationID: practiceOrg}
	other := Resource{Kind: AuditLog, OrganisationID: providerOrg}
	runPolicyCases(t, []policyCase{
		{"admin reads own", gpAdmin, Read, own, true, false},
		{"admin exports own", gpAdmin, Export, own, true, false},
		{"admin cannot update own", gpAdmin, Update, own, false, false},
		{"admin cannot delete own", gpAdmin, Delete, own, false, false},
		{"admin cannot create in own", gpAdmin, Create, own, false, false},
		{"editor cannot read own", gpEditor, Read, own, false, false},
		{"viewer cannot read own", gpViewer, Read, own, false, false},
		{"physician cannot export own", gpPhysician, Export, own, false, false},
		{"admin cannot read another organisation's", gpAdmin, Read, other, false, false},
		{"RHO admin cannot read another organisation's", rhoAdmin, Read, other, false, false},
		{"RHO admin cannot read the whole region's", rhoAdmin, Read, Resource{Kind: AuditLog}, false, false},
		{"RHO admin reads own", rhoAdmin, Read, Resource{Kind: AuditLog, OrganisationID: rhoOrg}, true, false},
	})
}

// dutchWords are common Dutch words; a user-facing reason contains at least one of them.
var dutchWords = map[string]bool{"de": true, "het": true, "een": true, "niet": true, "alleen": true, "uw": true, "u": true, "van": true}

func TestEveryDenialCarriesADutchReason(t *testing.T) {
	actors := append([]mgz.Actor{{}, disabledAdmin}, everyUser...)
	seen := map[string]bool{}
	for _, a := range actors {
		for _, k := range append(allKinds, Kind("patient")) {
			for _, act := range append(allActions, Action("approve")) {
				for _, org := range []int64{0, a.User.OrganisationID, otherOrg} {
					for _, uid := range []int64{0, a.User.ID, 9999} {
						d := Decide(a, act, Resource{Kind: k, OrganisationID: org, UserID: uid})
						if d.Allow || seen[d.Reason] {
							continue
						}
						seen[d.Reason] = true
						if msg := checkDutchReason(d.Reason); msg != "" {
							t.Errorf("%s %s %s (organisation %d, user %d): reason %q %s", who(a), act, k, org, uid, d.Reason, msg)
						}
					}
				}
			}
		}
	}
	if len(seen) < 5 {
		t.Fatalf("only %d distinct denial reasons seen, want the policy's several: %v", len(seen), seen)
	}
}

// checkDutchReason returns what is wrong with a denial's reason, or "".
func checkDutchReason(reason string) string {
	if strings.TrimSpace(reason) == "" {
		return "is empty"
	}
	if first := []rune(reason)[0]; !unicode.IsUpper(first) {
		return "does not start with a capital, as a sentence shown to a user does"
	}
	if !strings.HasSuffix(reason, ".") {
		return "does not end with a full stop"
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(reason), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if dutchWords[w] {
			return ""
		}
	}
	return "contains none of the common Dutch words"
}

func TestPatientsAreSeenOnlyByThePartiesInTheirCare(t *testing.T) {
	mine := Resource{Kind: Patient, Parties: []int64{practiceOrg, providerOrg}}
	theirs := Resource{Kind: Patient, Parties: []int64{otherOrg}}
	runPolicyCases(t, []policyCase{
		{"§6 the registered practice reads its patient", gpViewer, Read, mine, true, false},
		{"the care provider of the location reads its resident", cpViewer, Read, mine, true, false},
		{"a physician of the practice changes the record", gpPhysician, Update, mine, true, false},
		{"an editor of the provider records a new resident", cpEditor, Create, mine, true, false},
		{"a viewer of a party does not change the record", gpViewer, Update, mine, false, false},
		{"the RHO does not see patients", rhoAdmin, Read, mine, false, true},
		{"another practice does not see the patient, nor that it exists", gpAdmin, Read, theirs, false, true},
		{"another practice cannot change the patient", gpPhysician, Update, theirs, false, true},
		{"a patient without parties is seen by nobody", gpAdmin, Read, Resource{Kind: Patient}, false, true},
		{"§6 a practice registers by name at itself", gpPhysician, Create, Resource{Kind: Registration, OrganisationID: practiceOrg}, true, false},
		{"a practice does not register for another practice", gpPhysician, Create, Resource{Kind: Registration, OrganisationID: otherOrg}, false, false},
		{"a care provider does not register by name", cpAdmin, Create, Resource{Kind: Registration, OrganisationID: providerOrg}, false, false},
		{"a practice keeps its own capacity", gpEditor, Update, Resource{Kind: PracticeProfile, OrganisationID: practiceOrg}, true, false},
		{"capacity is readable for everyone", cpViewer, Read, Resource{Kind: PracticeProfile, OrganisationID: practiceOrg}, true, false},
		{"a practice does not change another's capacity", gpEditor, Update, Resource{Kind: PracticeProfile, OrganisationID: otherOrg}, false, false},
		{"the RHO sees the coverage of fixed GPs", rhoViewer, Read, Resource{Kind: Coverage}, true, false},
		{"a practice does not see the region's coverage", gpAdmin, Read, Resource{Kind: Coverage}, false, false},
	})
}

// The organisations of the other kinds in these tests.
const (
	postOrg    int64 = 5 // a GP post (huisartsenpost)
	serviceOrg int64 = 6 // an SO/AVG service
	officeOrg  int64 = 7 // a care office (zorgkantoor)
	ggdOrg     int64 = 8 // a public health service (GGD)
)

var (
	postViewer       = user(501, postOrg, mgz.KindGPPost, mgz.RoleViewer)
	postEditor       = user(502, postOrg, mgz.KindGPPost, mgz.RoleEditor)
	postAdmin        = user(503, postOrg, mgz.KindGPPost, mgz.RoleAdmin)
	postPhysician    = user(504, postOrg, mgz.KindGPPost, mgz.RolePhysician)
	serviceViewer    = user(601, serviceOrg, mgz.KindPhysicianService, mgz.RoleViewer)
	serviceEditor    = user(602, serviceOrg, mgz.KindPhysicianService, mgz.RoleEditor)
	serviceAdmin     = user(603, serviceOrg, mgz.KindPhysicianService, mgz.RoleAdmin)
	servicePhysician = user(604, serviceOrg, mgz.KindPhysicianService, mgz.RolePhysician)
	officeViewer     = user(701, officeOrg, mgz.KindCareOffice, mgz.RoleViewer)
	officeEditor     = user(702, officeOrg, mgz.KindCareOffice, mgz.RoleEditor)
	officeAdmin      = user(703, officeOrg, mgz.KindCareOffice, mgz.RoleAdmin)
	ggdAdmin         = user(803, ggdOrg, mgz.KindPublicHealthService, mgz.RoleAdmin)
	// otherProviderEditor is an editor of a care provider that is not the resource's.
	otherProviderEditor = user(402, otherOrg, mgz.KindCareProvider, mgz.RoleEditor)
)

// cooperation is a cooperation agreement (domain.md §8) of the care provider, the practice and
// the GP post: its parties.
var cooperation = Resource{Kind: Agreement, Parties: []int64{providerOrg, practiceOrg, postOrg}}

// From docs/toegang.md: the parties read an agreement and its documents; a party's editor or
// admin drafts, changes and sends it; a party's editor, admin or physician signs for the own
// organisation; a party's viewer is told no (403); who is not a party does not learn that the
// agreement exists (404), whatever the role.
func TestAgreementsAreSeenByTheirPartiesAndSignedByTheirEditorsAdminsAndPhysicians(t *testing.T) {
	var cases []policyCase
	parties := []mgz.Actor{gpViewer, gpEditor, gpAdmin, gpPhysician, cpViewer, cpEditor, cpAdmin, postViewer, postEditor, postAdmin, postPhysician}
	outsiders := []mgz.Actor{rhoViewer, rhoAdmin, serviceEditor, serviceAdmin, servicePhysician, officeViewer, officeAdmin, ggdAdmin, otherProviderEditor}
	for _, a := range parties {
		role := a.User.Roles[0]
		editor := role == mgz.RoleEditor || role == mgz.RoleAdmin
		cases = append(cases,
			policyCase{fmt.Sprintf("a party's %s reads the agreement (%s)", role, who(a)), a, Read, cooperation, true, false},
			policyCase{fmt.Sprintf("only a party's editor or admin drafts an agreement (%s)", who(a)), a, Create, cooperation, editor, false},
			policyCase{fmt.Sprintf("only a party's editor or admin changes or sends the agreement (%s)", who(a)), a, Update, cooperation, editor, false},
			policyCase{fmt.Sprintf("a party's editor, admin or physician signs, never a viewer (%s)", who(a)), a, Sign, cooperation, role != mgz.RoleViewer, false},
			policyCase{fmt.Sprintf("nobody deletes an agreement (%s)", who(a)), a, Delete, cooperation, false, false},
		)
	}
	for _, a := range outsiders {
		for _, act := range []Action{Read, Create, Update, Sign, Delete} {
			cases = append(cases, policyCase{fmt.Sprintf("%s: who is not a party cannot %s, nor learn that it exists", who(a), act), a, act, cooperation, false, true})
		}
	}
	cases = append(cases,
		policyCase{"a subcontract's parties are the provider and the practice: the GP post is not one", postAdmin, Read,
			Resource{Kind: Agreement, Parties: []int64{providerOrg, practiceOrg}}, false, true},
		policyCase{"a party of another agreement does not sign this one", gpEditor, Sign,
			Resource{Kind: Agreement, Parties: []int64{otherOrg, postOrg}}, false, true},
		policyCase{"an agreement without parties is seen by nobody", gpAdmin, Read, Resource{Kind: Agreement}, false, true},
	)
	runPolicyCases(t, cases)
}

// From docs/toegang.md: which agreement a location needs is seen by its own care provider, every
// GP practice, the RHO and the care office; not by a GP post, an SO/AVG service, the GGD or another
// care provider. Nobody changes it: it follows from the rules.
func TestAgreementProposalIsSeenByTheProviderPracticesRHOAndCareOffice(t *testing.T) {
	loc := Resource{Kind: AgreementProposal, OrganisationID: providerOrg}
	var cases []policyCase
	for _, a := range []mgz.Actor{cpViewer, cpAdmin, gpViewer, gpPhysician, rhoViewer, rhoAdmin, officeViewer, officeAdmin} {
		cases = append(cases, policyCase{fmt.Sprintf("%s reads the proposal", who(a)), a, Read, loc, true, false})
	}
	for _, a := range []mgz.Actor{postAdmin, postPhysician, serviceAdmin, servicePhysician, ggdAdmin, otherProviderEditor} {
		cases = append(cases, policyCase{fmt.Sprintf("%s does not read the proposal", who(a)), a, Read, loc, false, false})
	}
	for _, act := range []Action{Create, Update, Delete, Sign} {
		cases = append(cases, policyCase{fmt.Sprintf("not even the provider's admin can %s a proposal", act), cpAdmin, act, loc, false, false})
	}
	runPolicyCases(t, cases)
}

// From docs/toegang.md (domain.md §5): a location's prerequisites and their documents are read by
// its own care provider, every GP practice, the RHO and the care office; only an editor or admin
// of the own care provider records them.
func TestPrerequisitesAreRecordedOnlyByTheirOwnCareProvidersEditors(t *testing.T) {
	loc := Resource{Kind: Prerequisite, OrganisationID: providerOrg}
	var cases []policyCase
	for _, a := range []mgz.Actor{cpViewer, cpEditor, cpAdmin, gpViewer, gpPhysician, rhoViewer, officeViewer, officeAdmin} {
		cases = append(cases, policyCase{fmt.Sprintf("%s reads the checklist", who(a)), a, Read, loc, true, false})
	}
	for _, a := range []mgz.Actor{postAdmin, postPhysician, serviceAdmin, servicePhysician, ggdAdmin, otherProviderEditor} {
		cases = append(cases, policyCase{fmt.Sprintf("%s does not read the checklist", who(a)), a, Read, loc, false, false})
	}
	for _, a := range []mgz.Actor{cpEditor, cpAdmin} {
		cases = append(cases, policyCase{fmt.Sprintf("§5 the provider's %s records an item", a.User.Roles[0]), a, Update, loc, true, false})
	}
	for _, a := range []mgz.Actor{cpViewer, otherProviderEditor, gpAdmin, rhoAdmin, officeAdmin, serviceAdmin, postAdmin} {
		cases = append(cases, policyCase{fmt.Sprintf("%s does not record the provider's items", who(a)), a, Update, loc, false, false})
	}
	// A care office, GP post or SO/AVG service has no locations, even when named as the owner.
	for _, a := range []mgz.Actor{officeAdmin, postAdmin, serviceAdmin} {
		cases = append(cases, policyCase{fmt.Sprintf("%s records no prerequisites, not even under its own id", who(a)), a, Update,
			Resource{Kind: Prerequisite, OrganisationID: a.User.OrganisationID}, false, false})
	}
	runPolicyCases(t, cases)
}

// The care office (zorgkantoor), the GP post and the SO/AVG service, from docs/toegang.md: they
// keep their own organisation's data, users and audit log like anyone; the care office follows the
// region's coverage; an SO/AVG service is a party in the care of the clients of the locations it
// serves; a GP post sees no client records and none of them registers clients or keeps a
// practice's capacity.
func TestCareOfficeGPPostAndSOAVGServiceUsers(t *testing.T) {
	// A client at a location whose SO/AVG service is serviceOrg.
	client := Resource{Kind: Patient, Parties: []int64{practiceOrg, providerOrg, serviceOrg}}
	cases := []policyCase{
		{"the care office follows the coverage of fixed GPs", officeViewer, Read, Resource{Kind: Coverage}, true, false},
		{"a GP post does not see the region's coverage", postAdmin, Read, Resource{Kind: Coverage}, false, false},
		{"an SO/AVG service does not see the region's coverage", serviceAdmin, Read, Resource{Kind: Coverage}, false, false},

		{"the SO/AVG service of the location reads its client", serviceViewer, Read, client, true, false},
		{"the SO/AVG physician changes the client's record", servicePhysician, Update, client, true, false},
		{"an SO/AVG editor changes the client's record", serviceEditor, Update, client, true, false},
		{"an SO/AVG viewer does not change the record", serviceViewer, Update, client, false, false},
		{"the SO/AVG service records a new resident of its location", servicePhysician, Create, client, true, false},
		{"the GP post sees no client record, nor that it exists", postPhysician, Read, client, false, true},
		{"the GP post changes no client record", postAdmin, Update, client, false, true},
		{"the care office sees no client record, nor that it exists", officeAdmin, Read, client, false, true},
		{"an SO/AVG service of another location does not see the client", serviceAdmin, Read, Resource{Kind: Patient, Parties: []int64{practiceOrg, providerOrg}}, false, true},

		{"a GP post does not register clients by name", postPhysician, Create, Resource{Kind: Registration, OrganisationID: postOrg}, false, false},
		{"an SO/AVG service does not register clients by name", servicePhysician, Create, Resource{Kind: Registration, OrganisationID: serviceOrg}, false, false},
		{"the care office does not register clients by name", officeAdmin, Create, Resource{Kind: Registration, OrganisationID: officeOrg}, false, false},
		{"the care office keeps no practice capacity, not even under its own id", officeAdmin, Update, Resource{Kind: PracticeProfile, OrganisationID: officeOrg}, false, false},
		{"a GP post keeps no practice capacity", postEditor, Update, Resource{Kind: PracticeProfile, OrganisationID: postOrg}, false, false},
		{"the care office reads a practice's capacity", officeViewer, Read, Resource{Kind: PracticeProfile, OrganisationID: practiceOrg}, true, false},

		{"a GP post updates its own organisation", postEditor, Update, Resource{Kind: Organisation, OrganisationID: postOrg}, true, false},
		{"the care office updates its own organisation", officeEditor, Update, Resource{Kind: Organisation, OrganisationID: officeOrg}, true, false},
		{"an SO/AVG viewer does not update its organisation", serviceViewer, Update, Resource{Kind: Organisation, OrganisationID: serviceOrg}, false, false},
		{"the care office does not update another organisation", officeAdmin, Update, Resource{Kind: Organisation, OrganisationID: practiceOrg}, false, false},
		{"the care office does not add organisations", officeAdmin, Create, Resource{Kind: Organisation}, false, false},
		{"the care office has no locations to add", officeAdmin, Create, Resource{Kind: Location, OrganisationID: officeOrg}, false, false},
		{"an SO/AVG service has no locations to change", serviceEditor, Update, Resource{Kind: Location, OrganisationID: serviceOrg}, false, false},
		{"the GP post keeps its own contact points", postEditor, Create, Resource{Kind: ContactPoint, OrganisationID: postOrg}, true, false},
		{"the GP post does not change another's contact points", postAdmin, Update, Resource{Kind: ContactPoint, OrganisationID: providerOrg}, false, false},
		{"the care office does not change the region's settings", officeAdmin, Update, Resource{Kind: Settings}, false, false},

		{"the care office's admin manages its users", officeAdmin, Create, Resource{Kind: User, OrganisationID: officeOrg}, true, false},
		{"an SO/AVG editor does not manage users", serviceEditor, Update, Resource{Kind: User, OrganisationID: serviceOrg, UserID: 699}, false, false},
		{"a GP post admin does not see another organisation's users", postAdmin, Read, Resource{Kind: User, OrganisationID: officeOrg, UserID: 799}, false, true},
		{"the care office's admin reads its audit log", officeAdmin, Read, Resource{Kind: AuditLog, OrganisationID: officeOrg}, true, false},
		{"an SO/AVG physician does not read the audit log", servicePhysician, Read, Resource{Kind: AuditLog, OrganisationID: serviceOrg}, false, false},
		{"a GP post admin does not read another's audit log", postAdmin, Read, Resource{Kind: AuditLog, OrganisationID: practiceOrg}, false, false},
		{"a GP post physician revokes no one else's token", postPhysician, Delete, Resource{Kind: Token, UserID: 501}, false, true},
	}
	runPolicyCases(t, cases)
}

func TestInboxAndOutboxPolicy(t *testing.T) {
	for _, tc := range []struct {
		name   string
		a      mgz.Actor
		act    Action
		r      Resource
		allow  bool
		hidden bool
	}{
		{"a viewer reads the organisation's inbox", gpViewer, Read, Resource{Kind: Inbox, OrganisationID: practiceOrg}, true, false},
		{"a viewer marks the organisation's notices read", gpViewer, Update, Resource{Kind: Inbox, OrganisationID: practiceOrg}, true, false},
		{"another organisation's inbox does not exist", rhoAdmin, Read, Resource{Kind: Inbox, OrganisationID: practiceOrg}, false, true},
		{"nobody deletes a notice", gpAdmin, Delete, Resource{Kind: Inbox, OrganisationID: practiceOrg}, false, true},
		{"an admin follows the mails to the own organisation", gpAdmin, Read, Resource{Kind: MailOutbox, OrganisationID: practiceOrg}, true, false},
		{"an admin retries a mail to the own organisation", cpAdmin, Update, Resource{Kind: MailOutbox, OrganisationID: providerOrg}, true, false},
		{"an editor does not see the outbox", gpEditor, Read, Resource{Kind: MailOutbox, OrganisationID: practiceOrg}, false, false},
		{"an admin does not see another organisation's mails", gpAdmin, Read, Resource{Kind: MailOutbox, OrganisationID: providerOrg}, false, false},
		{"the RHO's admin follows the region's mails", rhoAdmin, Read, Resource{Kind: MailOutbox}, true, false},
		{"the RHO's editor does not", rhoEditor, Read, Resource{Kind: MailOutbox}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Decide(tc.a, tc.act, tc.r)
			if d.Allow != tc.allow || (!d.Allow && d.Hide != tc.hidden) {
				t.Fatalf("Decide = %+v, want allow %v hidden %v", d, tc.allow, tc.hidden)
			}
		})
	}
}

func TestRegionalOverviewIsForTheRegionsStewardsAndCareProviders(t *testing.T) {
	tableMember := user(205, practiceOrg, mgz.KindGPPractice, mgz.RoleViewer, mgz.RoleRegionalTable)
	var cases []policyCase
	for _, a := range append(everyUser, tableMember) {
		allow := a.OrgKind == mgz.KindRegionalGPOrg || a.OrgKind == mgz.KindCareOffice || a.OrgKind == mgz.KindCareProvider || a.User.Has(mgz.RoleRegionalTable)
		for _, act := range []Action{Read, Export} {
			cases = append(cases, policyCase{fmt.Sprintf("%s %s the regional overview", who(a), act), a, act, Resource{Kind: RegionalOverview}, allow, false})
		}
		cases = append(cases, policyCase{fmt.Sprintf("%s changes the regional overview", who(a)), a, Update, Resource{Kind: RegionalOverview}, false, false})
	}
	runPolicyCases(t, cases)
}

// The RHO and the zorgkantoor read an agreement's metadata, never the agreement (its text).
func TestAgreementMetadataNotTextForRHOAndCareOffice(t *testing.T) {
	parties := []int64{providerOrg, practiceOrg}
	var cases []policyCase
	for _, a := range everyUser {
		meta := a.OrgKind == mgz.KindRegionalGPOrg || a.OrgKind == mgz.KindCareOffice || a.User.OrganisationID == providerOrg || a.User.OrganisationID == practiceOrg
		cases = append(cases, policyCase{fmt.Sprintf("%s reads agreement metadata", who(a)), a, Read,
			Resource{Kind: AgreementMeta, OrganisationID: providerOrg, Parties: parties}, meta, false})
		if a.OrgKind == mgz.KindRegionalGPOrg || a.OrgKind == mgz.KindCareOffice {
			cases = append(cases, policyCase{fmt.Sprintf("%s reads the agreement itself", who(a)), a, Read,
				Resource{Kind: Agreement, OrganisationID: providerOrg, Parties: parties}, false, true})
		}
	}
	runPolicyCases(t, cases)
}

func TestTheFullBSNIsSeenOnlyByCarersOfAParty(t *testing.T) {
	mine := Resource{Kind: Patient, Parties: []int64{practiceOrg, providerOrg}}
	theirs := Resource{Kind: Patient, Parties: []int64{otherOrg}}
	runPolicyCases(t, []policyCase{
		{"a physician of the registered practice sees the BSN", gpPhysician, ReadBSN, mine, true, false},
		{"an editor of the care provider sees the BSN", cpEditor, ReadBSN, mine, true, false},
		{"a viewer of a party sees the client but not the full BSN", gpViewer, ReadBSN, mine, false, false},
		{"another practice's physician does not learn the patient exists", gpPhysician, ReadBSN, theirs, false, true},
	})
}
