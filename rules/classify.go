package rules

import "strings"

// This file holds the classification of domain.md §3 and contract.md "Field
// rules" as data: first the four cases a valid situation can be in, with the
// fields that follow from the case alone, then small tables for the fields
// that also depend on the sector, the delivery, the need or the setting.
// Every row carries the Dutch reason and its sources. {SP} in a text is
// replaced by the sector's physician (SO or AVG) when the tables are built.

// situationCase is the §3 case of a valid situation.
type situationCase uint8

const (
	caseNoWlz         situationCase = iota // §3.1: no Wlz indication
	caseWithTreatment                      // §3.2: Wlz with treatment in an institution (IN)
	caseAtProvider                         // §3.3: Wlz without treatment, living or staying at a provider (AT)
	caseWlzAtHome                          // §3.3: Wlz without treatment at home (HM)
	numCases
)

// caseOf returns the case of a valid situation (see checkCombinations).
// An indication with treatment delivered as VPT, MPT or PGB (at home or in
// clustered housing) is classified by its delivery, like one without
// treatment (domain.md §3.4, rules v2).
func caseOf(s Situation) situationCase {
	switch {
	case s.Wlz == WlzNone:
		return caseNoWlz
	case s.Wlz == WlzWithTreatment && s.Delivery == DeliveryStayWithTreatment:
		return caseWithTreatment
	case s.Setting == SettingHome:
		return caseWlzAtHome
	default:
		return caseAtProvider
	}
}

// reasonSpec is a reason before {SP} is filled in. A reason with a sector
// applies to that sector only.
type reasonSpec struct {
	text    string
	sources []string
	sector  Sector
}

func src(ids ...string) []string { return ids }

// caseRule is what follows from the case alone.
type caseRule struct {
	group               Group
	gpFunding           Funding
	registeredByName    bool
	agreement           Agreement
	outOfHoursBy        Role
	specificCareFunding Funding // empty: null
	leadIsSpecialist    bool    // lead is the sector's physician instead of the GP
	prerequisitesApply  bool
	reasons             []reasonSpec
}

// prerequisitesReason is shared by the groups that live or stay at a provider.
var prerequisitesReason = reasonSpec{
	text:    "De cliënt woont of verblijft bij een zorgaanbieder: de randvoorwaarden van het convenant gelden voor de locatie (kwaliteitsstandaard, protocollen infectiepreventie en Wzd, gedragskundige en voorwacht dag en nacht, contract met een SO of AVG); controleer ze voordat een nieuwe Wlz-cliënt wordt ingeschreven.",
	sources: src("T 2.3.2", "L-Rol 3", "L-Conv 6"),
}

// caseRules: one row per case of domain.md §3.
var caseRules = [numCases]caseRule{
	// §3.1 No Wlz indication [L-Wlz 3, 4].
	caseNoWlz: {
		group: GroupHome, gpFunding: FundingZvw, registeredByName: true, agreement: AgreementNone,
		outOfHoursBy: RoleGPPost, specificCareFunding: "", leadIsSpecialist: false, prerequisitesApply: false,
		reasons: []reasonSpec{
			{text: "Geen Wlz-indicatie: de Wlz is er alleen voor een blijvende 24/7 zorgbehoefte. Er geldt gewone huisartsenzorg uit de Zvw; de cliënt staat op naam ingeschreven bij een huisarts, die de regie heeft.", sources: src("L-Wlz 3", "L-Wlz 4")},
			{text: "Zonder Wlz-indicatie is er geen MGZ-overeenkomst en geen Wlz-financiering voor specifieke zorg; buiten kantooruren is er de huisartsenpost, zoals voor iedereen.", sources: src("L-Wlz 3", "T")},
		},
	},
	// §3.2 With treatment [T, L-Wlz 5, 6, 8; L-Conv 4].
	caseWithTreatment: {
		group: GroupWithTreatment, gpFunding: FundingWlz, registeredByName: false, agreement: AgreementSubcontract,
		outOfHoursBy: RoleCareProvider, specificCareFunding: FundingWlz, leadIsSpecialist: true, prerequisitesApply: true,
		reasons: []reasonSpec{
			{text: "Wlz met behandeling in een instelling: alle medische zorg, ook huisartsenzorg, hoort bij de Wlz-zorg van de instelling en wordt via de instelling uit de Wlz betaald; de cliënt staat niet op naam ingeschreven bij een huisarts.", sources: src("T", "L-Wlz 5", "L-Wlz 6")},
			{text: "Een instelling zonder eigen huisartsen besteedt de huisartsenzorg uit aan een huisartsenpraktijk (modelonderaannemingsovereenkomst); de huisarts werkt als onderaannemer tegen een vrij tarief.", sources: src("T", "L-Wlz 6")},
			{text: "De onderaanneming dekt kantooruren. In de avond, nacht en het weekend is de zorgaanbieder verantwoordelijk voor de huisartsenzorg: via de huisartsenpost (op afspraak), een commerciële partij of intern.", sources: src("T", "L-Conv 4")},
			{text: "De {SP} is de arts van de instelling en heeft de regie; de instelling regelt wonen, zorg, medische zorg, medicatie en paramedische zorg.", sources: src("T", "L-Wlz 5", "L-Wlz 8")},
			{text: "In de gehandicaptenzorg is huisartsenzorg aanvullend op de AVG; een AVG moet 24/7 beschikbaar zijn voor overleg.", sources: src("L-Conv 4"), sector: SectorDisability},
			prerequisitesReason,
		},
	},
	// §3.3 Without treatment, living or staying at a provider [T, L-Wlz 6, L-Rol 1, 2, 3].
	caseAtProvider: {
		group: GroupAtProvider, gpFunding: FundingZvw, registeredByName: true, agreement: AgreementCooperation,
		outOfHoursBy: RoleGPPost, specificCareFunding: FundingWlz, leadIsSpecialist: false, prerequisitesApply: true,
		reasons: []reasonSpec{
			{text: "Wlz zonder behandeling: huisartsenzorg wordt betaald uit de Zvw en de cliënt schrijft zich op naam in bij een huisartsenpraktijk.", sources: src("T", "L-Wlz 6")},
			{text: "De cliënt woont of verblijft bij een zorgaanbieder zonder behandeling: de samenwerkingsovereenkomst tussen huisarts(praktijk), huisartsenpost en (geclusterde) woonvoorziening is van toepassing.", sources: src("T", "L-Rol 3", "L-Conv 4")},
			{text: "Buiten kantooruren gaat de cliënt, zoals iedereen, naar de huisartsenpost; de zorgaanbieder sluit geen contract met de post, maar de post moet de afspraken kennen.", sources: src("T")},
			{text: "De huisarts is verantwoordelijk voor huisartsenzorg en blijft hoofdbehandelaar; een {SP} is 24/7 beschikbaar voor overleg, consultatie en medebehandeling.", sources: src("L-Rol 2")},
			prerequisitesReason,
		},
	},
	// §3.3 Without treatment at home [T, L-Wlz 6, L-Rol 1; the agreement
	// rule T, L-Rol 3].
	caseWlzAtHome: {
		group: GroupHome, gpFunding: FundingZvw, registeredByName: true, agreement: AgreementNone,
		outOfHoursBy: RoleGPPost, specificCareFunding: FundingWlz, leadIsSpecialist: false, prerequisitesApply: false,
		reasons: []reasonSpec{
			{text: "Wlz zonder behandeling: huisartsenzorg wordt betaald uit de Zvw en de cliënt schrijft zich op naam in bij een huisartsenpraktijk.", sources: src("T", "L-Wlz 6")},
			{text: "Thuis is geen overeenkomst tussen huisarts en zorgaanbieder nodig; het convenant MGZ geldt wel.", sources: src("T", "L-Rol 3")},
			{text: "Thuis is de huisarts de eindverantwoordelijke arts; de huisarts kan de {SP} om advies, consultatie of medebehandeling vragen, en die kan de regie (tijdelijk) overnemen.", sources: src("L-Rol 1")},
			{text: "Buiten kantooruren gaat de cliënt, zoals iedereen, naar de huisartsenpost.", sources: src("T")},
		},
	},
}

// tariffRule is the GP tariff per case and sector.
type tariffRule struct {
	tariff Tariff
	reason *reasonSpec // nil when the case's reasons already explain it
}

var (
	reasonIntensive = &reasonSpec{text: "In de ouderenzorg zijn voor huisartsenzorg aan Wlz-cliënten intensieve-zorgtarieven (Zvw) beschikbaar.", sources: src("L-Wlz 6")}
	reasonNoIntense = &reasonSpec{text: "In de gehandicaptenzorg bestaan geen intensieve-zorgtarieven: de gewone Zvw-tarieven voor huisartsenzorg gelden.", sources: src("L-Wlz 6")}
)

// gpTariffs[case][sector]: contract "gp_tariff: free with treatment;
// zvw_intensive_available for registered Wlz clients in elderly care; zvw
// otherwise" [L-Wlz 6].
var gpTariffs = [numCases]map[Sector]tariffRule{
	caseNoWlz:         {SectorElderly: {TariffZvw, nil}, SectorDisability: {TariffZvw, nil}},
	caseWithTreatment: {SectorElderly: {TariffFree, nil}, SectorDisability: {TariffFree, nil}},
	caseAtProvider:    {SectorElderly: {TariffZvwIntensiveAvailable, reasonIntensive}, SectorDisability: {TariffZvw, reasonNoIntense}},
	caseWlzAtHome:     {SectorElderly: {TariffZvwIntensiveAvailable, reasonIntensive}, SectorDisability: {TariffZvw, reasonNoIntense}},
}

// sectorPhysicians: SO for elderly care, AVG for disability care (§4.2).
var sectorPhysicians = map[Sector]struct {
	role  Role
	long  string // for why/text: "specialist ouderengeneeskunde (SO)"
	short string // for summaries: "de specialist ouderengeneeskunde"
}{
	SectorElderly:    {RoleElderlyCarePhysician, "specialist ouderengeneeskunde (SO)", "de specialist ouderengeneeskunde"},
	SectorDisability: {RoleIDPhysician, "arts verstandelijk gehandicapten (AVG)", "de arts VG"},
}

// specificCareReasons[withWlz]: who organises and pays specific care.
var specificCareReasons = map[bool]reasonSpec{
	true:  {text: "Specifieke zorg door de {SP} wordt betaald uit de Wlz; de zorgaanbieder waar de cliënt woont of die de zorg thuis levert, moet die organiseren.", sources: src("T", "L-Wlz 5")},
	false: {text: "Specifieke zorg is die van de {SP}; zonder Wlz-indicatie wordt die niet uit de Wlz betaald.", sources: src("L-Wlz 3", "L-Wlz 5")},
}

// qualityOversight per delivery [L-Wlz 8]; no delivery (no Wlz): null.
var qualityOversight = map[Delivery]struct {
	oversight Oversight
	reason    reasonSpec
}{
	DeliveryStayWithTreatment:    {OversightCareProvider, reasonInKind},
	DeliveryStayWithoutTreatment: {OversightCareProvider, reasonInKind},
	DeliveryVPT:                  {OversightCareProvider, reasonInKind},
	DeliveryMPT:                  {OversightCareProvider, reasonInKind},
	DeliveryPGB: {OversightClient, reasonSpec{
		text:    "Bij een pgb koopt de cliënt zelf de zorg in en houdt de cliënt (in de gehandicaptenzorg vaak de ouders) zelf toezicht op de zorgorganisatie en de kwaliteit van zorg.",
		sources: src("L-Wlz 8"),
	}},
}

var reasonInKind = reasonSpec{text: "Bij zorg in natura (verblijf, vpt of mpt) is de zorgaanbieder verantwoordelijk voor de kwaliteit van zorg en de naleving van het convenant.", sources: src("L-Wlz 8")}

// alternatives per need, for clients without Wlz [L-Wlz 3, 4]; contract
// "alternatives by need". Never nil, so the JSON is [] rather than null.
var alternatives = map[Need]struct {
	list   []Alternative
	reason reasonSpec
}{
	NeedTemporary24h: {[]Alternative{AlternativeELV, AlternativeGRZ}, reasonSpec{text: "Een tijdelijke 24-uurs zorgbehoefte valt niet onder de Wlz: kijk naar eerstelijnsverblijf (ELV) of geriatrische revalidatiezorg (GRZ), beide uit de Zvw.", sources: src("L-Wlz 4")}},
	NeedExtraNot24h:  {[]Alternative{AlternativeGZSP}, reasonSpec{text: "Een extra zorgbehoefte die niet 24/7 is: kijk naar geneeskundige zorg voor specifieke patiëntgroepen (GZSP).", sources: src("L-Wlz 4")}},
	NeedPermanent24h: {[]Alternative{AlternativeWlzAssessment}, reasonSpec{text: "Een blijvende 24/7 zorgbehoefte hoort bij de Wlz: adviseer een Wlz-aanvraag bij het CIZ.", sources: src("L-Wlz 3")}},
}

// reasonDeliveryDecides explains why an indication with treatment delivered
// at home or in clustered housing is classified by its delivery (domain.md
// §3.4, rules v2).
var reasonDeliveryDecides = reasonSpec{
	text:    "De Wlz-indicatie is met behandeling, maar wordt geleverd als vpt, mpt of pgb (thuis of in geclusterd wonen): dan beslist de leveringsvorm. De Wlz-check toont alleen met of zonder behandeling; de modelovereenkomsten delen cliënten in naar leveringsvorm, zoals bij een indicatie zonder behandeling.",
	sources: src("L-Wlz 9", "T"),
}

// flagRules: flags raised by a situation [L-Wlz 8].
var flagRules = []struct {
	flag   Flag
	when   func(Situation) bool
	reason reasonSpec
}{
	{
		flag: FlagPGBInClusteredHousing,
		when: func(s Situation) bool { return s.Delivery == DeliveryPGB && s.Setting == SettingClusteredHousing },
		reason: reasonSpec{
			text:    "Let op: pgb in geclusterd wonen. Niet het zorgkantoor maar de cliënt houdt toezicht op de zorgorganisatie; vaak is onduidelijk wie dat doet. LHV en InEen zien hier extra belasting van huisartsen.",
			sources: src("L-Wlz 8"),
		},
	},
	{
		// rules v2: under PGB in elderly care the client's oversight role is
		// unclear; quality_oversight stays "client" and the flag says so.
		flag: FlagPGBElderlyOversightUnclear,
		when: func(s Situation) bool { return s.Delivery == DeliveryPGB && s.Sector == SectorElderly },
		reason: reasonSpec{
			text:    "Let op: pgb in de ouderenzorg. Formeel houdt de cliënt toezicht op de zorgorganisatie, maar in de praktijk is die rol onduidelijk en wordt aangenomen dat de zorgorganisatie het doet. Spreek af wie toezicht houdt; ga er niet van uit dat het geregeld is.",
			sources: src("L-Wlz 8"),
		},
	},
}

var (
	noAlternatives = []Alternative{}
	noFlags        = []Flag{}
)

// classify applies the tables to a valid situation. It runs when the package
// is initialised, once per situation, never per decision.
func classify(s Situation) Classification {
	cs := caseOf(s)
	row := caseRules[cs]
	sp := sectorPhysicians[s.Sector]
	c := Classification{
		Group:               row.group,
		GPFunding:           row.gpFunding,
		RegisteredByName:    row.registeredByName,
		Agreement:           row.agreement,
		OutOfHoursBy:        row.outOfHoursBy,
		SpecificCareBy:      sp.role,
		SpecificCareFunding: row.specificCareFunding,
		Lead:                RoleGP,
		PrerequisitesApply:  row.prerequisitesApply,
		Alternatives:        noAlternatives,
		Flags:               noFlags,
	}
	if row.leadIsSpecialist {
		c.Lead = sp.role
	}
	var reasons []reasonSpec
	if s.Wlz == WlzWithTreatment && cs != caseWithTreatment {
		reasons = append(reasons, reasonDeliveryDecides)
	}
	for _, r := range row.reasons {
		if r.sector == "" || r.sector == s.Sector {
			reasons = append(reasons, r)
		}
	}
	t := gpTariffs[cs][s.Sector]
	c.GPTariff = t.tariff
	if t.reason != nil {
		reasons = append(reasons, *t.reason)
	}
	reasons = append(reasons, specificCareReasons[s.Wlz != WlzNone])
	if q, ok := qualityOversight[s.Delivery]; ok {
		c.QualityOversight = q.oversight
		reasons = append(reasons, q.reason)
	}
	if cs == caseNoWlz {
		a := alternatives[s.Need]
		c.Alternatives = a.list
		reasons = append(reasons, a.reason)
	}
	for _, f := range flagRules {
		if f.when(s) {
			c.Flags = append(c.Flags, f.flag)
			reasons = append(reasons, f.reason)
		}
	}
	c.Reasons = make([]Reason, len(reasons))
	for i, r := range reasons {
		c.Reasons[i] = Reason{Text: fillSP(r.text, s.Sector), Sources: r.sources}
	}
	return c
}

// fillSP writes the sector's physician into a text.
func fillSP(text string, sector Sector) string {
	return strings.ReplaceAll(text, "{SP}", sectorPhysicians[sector].long)
}
