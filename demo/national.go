package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/csvsafe"
	"github.com/regio-mgz/mgz/service"
)

// The national data set (issue 14): a fictional country of 31 zorgkantoor regions with about
// 5,000 GP practices, 10,000 locations and 340,000 clients, for measuring mgz at national scale.
// Everything is generated from a seed, so the same seed gives the same register (apart from
// timestamps and the dates that count back from today).

// NationalClients is the number of clients of the full national set.
const NationalClients = 340000

// DefaultNationalSeed is the seed of the national set when none is given.
const DefaultNationalSeed uint64 = 14

// StressClients is the number of clients of the stress practice in the full set: the
// 17,000-clients-per-practice case that benchmarks keep as their worst case.
const StressClients = 17000

// The accounts of the national set that benchmarks and people sign in with, all with Password.
const (
	// AccountStressPractice is a physician of the stress practice (StressClients clients).
	AccountStressPractice = "huisarts-groot@nationaal.voorbeeld.test"
	// AccountPractice is a physician of a typical practice, with tens of clients.
	AccountPractice = "huisarts@nationaal.voorbeeld.test"
	// AccountRHO is the policy officer of a regional GP organisation.
	AccountRHO = "rho@nationaal.voorbeeld.test"
	// AccountProvider works for the care provider with the most locations.
	AccountProvider = "zorgaanbieder@nationaal.voorbeeld.test"
)

// nationalShape is the full national set; smaller sets scale it with the number of clients.
const (
	nationalPractices = 5000
	nationalLocations = 10000
	nationalPosts     = 105
	clientsPerBatch   = 5000
)

// NationalOptions says what LoadNational makes.
type NationalOptions struct {
	// Seed makes the set reproducible; the same seed gives the same register.
	Seed uint64
	// Clients is the number of clients (NationalClients for the full set). The practices,
	// locations and GP posts scale with it; the 31 regions do not.
	Clients int
	// PatientsCSV, when not nil, receives the clients as a file for mgz import patients instead
	// of storing them, so the import can be measured on the same register.
	PatientsCSV io.Writer
	// Progress, when not nil, is told how far a step is (step names are Dutch, for people).
	Progress func(step string, done, total int)
}

// National tells what LoadNational made.
type National struct {
	Regions, Practices, Providers, GPPosts, CareOffices, PhysicianServices, RHOs int
	Locations, ContactPoints, Prerequisites, Agreements, Clients, Users          int
	// StressPractice is the name of the stress practice and StressClients its number of clients.
	StressPractice string
	StressClients  int
	// ClientsInCSV is the number of clients written to NationalOptions.PatientsCSV.
	ClientsInCSV int
	// Named are the four accounts of the shared names; Admins one admin per organisation.
	Named, Admins []Account
}

// Organisations is the number of organisations of every kind.
func (n National) Organisations() int {
	return n.Practices + n.Providers + n.GPPosts + n.CareOffices + n.PhysicianServices + n.RHOs
}

// nationalRegion is a zorgkantoor region with its municipalities and their postcode areas (the
// first two digits), and its weight: how much of the country lives there.
type nationalRegion struct {
	name   string
	weight int
	munis  []muni
}

type muni struct{ name, pc string }

var nationalRegions = []nationalRegion{
	{"Amsterdam", 6, []muni{{"Amsterdam", "10"}, {"Diemen", "11"}}},
	{"Groningen", 3, []muni{{"Groningen", "97"}, {"Veendam", "96"}, {"Eemsdelta", "99"}}},
	{"Friesland", 4, []muni{{"Leeuwarden", "89"}, {"Súdwest-Fryslân", "86"}, {"Heerenveen", "84"}}},
	{"Drenthe", 3, []muni{{"Assen", "94"}, {"Emmen", "78"}, {"Hoogeveen", "79"}}},
	{"Twente", 4, []muni{{"Enschede", "75"}, {"Hengelo", "75"}, {"Almelo", "76"}}},
	{"Zwolle", 3, []muni{{"Zwolle", "80"}, {"Kampen", "82"}, {"Meppel", "79"}}},
	{"Midden-IJssel", 2, []muni{{"Deventer", "74"}, {"Raalte", "81"}}},
	{"Apeldoorn Zutphen e.o.", 3, []muni{{"Apeldoorn", "73"}, {"Zutphen", "72"}}},
	{"Arnhem", 5, []muni{{"Arnhem", "68"}, {"Ede", "67"}}},
	{"Nijmegen", 4, []muni{{"Nijmegen", "65"}, {"Wijchen", "66"}}},
	{"Noord-Holland Noord", 4, []muni{{"Alkmaar", "18"}, {"Den Helder", "17"}, {"Hoorn", "16"}}},
	{"Kennemerland", 3, []muni{{"Haarlem", "20"}, {"Velsen", "19"}}},
	{"Zaanstreek/Waterland", 2, []muni{{"Zaanstad", "15"}, {"Purmerend", "14"}}},
	{"Amstelland en de Meerlanden", 2, []muni{{"Amstelveen", "11"}, {"Haarlemmermeer", "21"}}},
	{"'t Gooi", 2, []muni{{"Hilversum", "12"}, {"Huizen", "12"}}},
	{"Flevoland", 3, []muni{{"Almere", "13"}, {"Lelystad", "82"}}},
	{"Utrecht", 8, []muni{{"Utrecht", "35"}, {"Amersfoort", "38"}, {"Zeist", "37"}}},
	{"Midden-Holland", 2, []muni{{"Gouda", "28"}, {"Alphen aan den Rijn", "24"}}},
	{"Haaglanden", 6, []muni{{"'s-Gravenhage", "25"}, {"Zoetermeer", "27"}}},
	{"Delft Westland Oostland", 2, []muni{{"Delft", "26"}, {"Westland", "26"}}},
	{"Zuid-Holland Noord", 3, []muni{{"Leiden", "23"}, {"Katwijk", "22"}}},
	{"Rotterdam", 7, []muni{{"Rotterdam", "30"}, {"Schiedam", "31"}, {"Capelle aan den IJssel", "29"}}},
	{"Waardenland", 3, []muni{{"Dordrecht", "33"}, {"Gorinchem", "42"}}},
	{"Zuid-Hollandse Eilanden", 2, []muni{{"Hellevoetsluis", "32"}, {"Nissewaard", "32"}}},
	{"Zeeland", 3, []muni{{"Middelburg", "43"}, {"Vlissingen", "43"}, {"Terneuzen", "45"}}},
	{"West-Brabant", 5, []muni{{"Breda", "48"}, {"Roosendaal", "47"}, {"Bergen op Zoom", "46"}}},
	{"Midden-Brabant", 3, []muni{{"Tilburg", "50"}, {"Waalwijk", "51"}}},
	{"Noordoost-Brabant", 5, []muni{{"'s-Hertogenbosch", "52"}, {"Oss", "53"}}},
	{"Zuidoost-Brabant", 5, []muni{{"Eindhoven", "56"}, {"Helmond", "57"}}},
	{"Noord- en Midden-Limburg", 4, []muni{{"Venlo", "59"}, {"Roermond", "60"}}},
	{"Zuid-Limburg", 4, []muni{{"Maastricht", "62"}, {"Heerlen", "64"}, {"Sittard-Geleen", "61"}}},
}

var (
	placeNames = []string{"De Linde", "De Eik", "Het Anker", "De Vuurtoren", "Zonnehof", "De Brink", "Het Kompas", "De Wilg",
		"Parkzicht", "De Molen", "Het Veld", "De Beuk", "Rivierzicht", "De Hoeksteen", "Het Baken", "De Esdoorn", "Dorpsplein",
		"De Kastanje", "Het Ven", "De Waterlelie", "De Hofstede", "Het Lindehuis", "De Boomgaard", "Het Erf", "De Kapel",
		"De Tuinen", "Het Hof", "De Dijk", "De Horizon", "Het Kasteel", "De Regenboog", "De Zonnebloem", "Het Atelier",
		"De Kei", "De Vlinder", "De Ster", "Het Klaverblad", "De Brug", "Het Park", "De Haven", "De Akker", "De Meent",
		"Het Schouw", "De Stins", "De Esch", "Het Wapen", "De Poort", "De Singel", "De Vijverhof", "Het Slot",
		"De Weide", "De Heide", "Het Duin", "De Polder", "De Gaard", "De Wending", "Het Gasthuis", "De Schakel"}
	practiceWords   = []string{"Huisartsenpraktijk", "Huisartsenpraktijk", "Huisartsenpraktijk", "Gezondheidscentrum", "Huisartsen"}
	providerForms   = []string{"Stichting %s", "Zorggroep %s", "Woonzorg %s", "%s Zorg", "Zorgcentra %s", "Stichting Wonen en Zorg %s"}
	disabilityForms = []string{"Stichting %s", "Zorg voor Wonen %s", "Begeleid Wonen %s", "%s Gehandicaptenzorg", "Ouderinitiatief %s"}
	streets         = []string{"Dorpsstraat", "Kerkstraat", "Molenweg", "Schoolstraat", "Julianastraat", "Wilhelminalaan", "Beatrixlaan",
		"Stationsweg", "Parallelweg", "Nieuwstraat", "Zorgpad", "Lindelaan", "Eikenlaan", "Kastanjelaan", "Brinkweg", "Hoofdstraat"}
	surnames = []string{"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
		"Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
		"de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen",
		"van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "de Bruin", "van der Heijden", "Schouten", "van Beek",
		"Willems", "van Vliet", "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal", "Prins",
		"Blom", "Huisman", "Peeters", "de Jonge", "Kuipers", "van Veen", "Post", "Kuiper", "Veenstra", "Kramer", "van den Brink",
		"Scholten", "van Wijk", "Postma", "Martens", "Vink", "de Ruiter", "Timmermans", "Groen", "Gerritsen", "Jonker",
		"van Loon", "Boer", "van der Velde", "Willemsen", "Smeets", "de Lange", "de Vos", "Bosch", "van Dongen", "Schipper",
		"de Koning", "van der Laan", "Koning", "van der Velden", "Driessen", "van Doorn", "Hermans", "Evers", "van den Bosch",
		"van der Meulen", "Hofman", "Bosman", "Wolters", "Sijbesma", "Hoekman", "Wouters", "Zijlstra", "Kroon", "Verbeek"}
	initials  = "ABCDEFGHIJKLMNPRSTWY"
	pcLetters = "ABCDEFGHJKLMNPRTVWXZ" // no S: SA, SD and SS are not issued
)

// nationalPlan is the register before it is stored: the structure and who lives where. It is
// made from the seed alone, in memory, so that the writing can go in large transactions.
type nationalPlan struct {
	seed         uint64
	clients      int
	practices    []planOrg
	providers    []planOrg
	posts        []planOrg // posts[i] in region postRegion[i]
	careOffices  []planOrg // one per region
	rhos         []planOrg // one per region
	so, avg      []planOrg // one SO and one AVG service per region
	locations    []planLoc
	clientPrac   []int32 // per client: practice index, or -1
	clientLoc    []int32 // per client: location index, or -1 (at home)
	practiceOf   []int   // per practice: number of clients
	stress       int     // index of the stress practice, or -1
	typical      int     // index of the typical practice (AccountPractice)
	bigProvider  int     // index of the provider with the most locations
	regionPosts  [][]int // per region: indexes into posts
	practiceLocs [][]int32
}

type planOrg struct {
	org    mgz.Organisation
	region int
	sector mgz.Sector // care providers only
}

type planLoc struct {
	loc       mgz.Location
	provider  int
	practice  int // fixed GP practice, -1 none
	physician int // index into so or avg (by sector), -1 none
	region    int
}

// namer gives names that are unique across the whole register: demo.Email must tell the
// organisations' admins apart.
type namer map[string]bool

func (n namer) unique(name string) string {
	if !n[name] {
		n[name] = true
		return name
	}
	for i := 2; ; i++ {
		s := fmt.Sprintf("%s %d", name, i)
		if !n[s] {
			n[s] = true
			return s
		}
	}
}

func scaled(full int, f float64, least int) int {
	return max(least, int(math.Round(float64(full)*f)))
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// weighted picks an index with probability proportional to the cumulative weights cum.
func weighted(r *rand.Rand, cum []float64) int {
	x := r.Float64() * cum[len(cum)-1]
	i, _ := slices.BinarySearchFunc(cum, x, func(c, x float64) int {
		if c <= x {
			return -1
		}
		return 1
	})
	return min(i, len(cum)-1)
}

func natPostcode(r *rand.Rand, m muni) string {
	return fmt.Sprintf("%s%02d %c%c", m.pc, 10+r.IntN(90), pcLetters[r.IntN(len(pcLetters))], pcLetters[r.IntN(len(pcLetters))])
}

func planNational(seed uint64, clients int) *nationalPlan {
	r := rand.New(rand.NewPCG(seed, 0x6d677a2d6e6174)) // "mgz-nat"
	f := float64(clients) / NationalClients
	p := &nationalPlan{seed: seed, clients: clients, stress: -1}
	names := namer{}
	serial := map[string]int{}
	phoneSerial := 0
	newOrg := func(kind mgz.OrgKind, name, agbPrefix string, region int) planOrg {
		m := pick(r, nationalRegions[region].munis)
		phoneSerial++
		o := mgz.Organisation{Kind: kind, Name: names.unique(name), KvK: fmt.Sprintf("8%07d", phoneSerial),
			Address: fmt.Sprintf("%s %d", pick(r, streets), 1+r.IntN(180)), Postcode: natPostcode(r, m), City: m.name,
			Phone: fmt.Sprintf("0120%06d", 200000+phoneSerial), CareOfficeRegion: nationalRegions[region].name}
		if agbPrefix != "" {
			serial[agbPrefix]++
			o.AGB = fmt.Sprintf("%s98%04d", agbPrefix, serial[agbPrefix])
		}
		return planOrg{org: o, region: region}
	}
	regionCum := make([]float64, len(nationalRegions))
	sum := 0.0
	for i, reg := range nationalRegions {
		sum += float64(reg.weight)
		regionCum[i] = sum
	}
	for i, reg := range nationalRegions {
		p.careOffices = append(p.careOffices, newOrg(mgz.KindCareOffice, "Zorgkantoor "+reg.name, "", i))
		p.rhos = append(p.rhos, newOrg(mgz.KindRegionalGPOrg, "Huisartsen "+reg.name+" (RHO)", "", i))
		p.so = append(p.so, newOrg(mgz.KindPhysicianService, "Ouderengeneeskunde "+reg.name+" (SO-dienst)", "06", i))
		p.avg = append(p.avg, newOrg(mgz.KindPhysicianService, "AVG-dienst "+reg.name, "06", i))
	}
	// GP posts: one per region, the rest where most people live.
	nPosts := scaled(nationalPosts, f, len(nationalRegions))
	p.regionPosts = make([][]int, len(nationalRegions))
	for i := range nPosts {
		region := i
		if i >= len(nationalRegions) {
			region = weighted(r, regionCum)
		}
		m := pick(r, nationalRegions[region].munis)
		p.regionPosts[region] = append(p.regionPosts[region], len(p.posts))
		p.posts = append(p.posts, newOrg(mgz.KindGPPost, "Huisartsenpost "+m.name, "05", region))
	}

	// Practices and how many clients each has: the stress practice its share, a few clients
	// with no practice, the rest spread unevenly (most practices have tens of clients).
	nPractices := scaled(nationalPractices, f, 20)
	practiceCum := make([]float64, nPractices)
	weights := make([]float64, nPractices)
	for i := range nPractices {
		region := weighted(r, regionCum)
		if i == 0 {
			region = 21 // the stress practice is in Rotterdam
		}
		m := pick(r, nationalRegions[region].munis)
		name := fmt.Sprintf("%s %s %s", pick(r, practiceWords), pick(r, placeNames), m.name)
		o := newOrg(mgz.KindGPPractice, name, "01", region)
		o.org.City = m.name
		p.practices = append(p.practices, o)
		weights[i] = math.Exp(r.NormFloat64() * 0.8)
	}
	stressN := min(StressClients, clients/20)
	noGP := clients * 7 / 100
	p.clientPrac = make([]int32, clients)
	p.practiceOf = make([]int, nPractices)
	for i := 1; i < nPractices; i++ {
		practiceCum[i] = practiceCum[i-1] + weights[i]
	}
	for i := range clients {
		switch {
		case i < stressN:
			p.clientPrac[i] = 0
		case i < stressN+noGP:
			p.clientPrac[i] = -1
		default:
			p.clientPrac[i] = int32(weighted(r, practiceCum[1:]) + 1)
		}
	}
	r.Shuffle(clients, func(i, j int) { p.clientPrac[i], p.clientPrac[j] = p.clientPrac[j], p.clientPrac[i] })
	for _, pr := range p.clientPrac {
		if pr >= 0 {
			p.practiceOf[pr]++
		}
	}
	if stressN > 0 {
		p.stress = 0
	}

	// Care providers: a few with hundreds of locations, many with one or two.
	nLocations := scaled(nationalLocations, f, 30)
	var sizes []int
	left := nLocations
	for _, big := range []int{320, 240, 180, 150, 120, 100, 90, 80} {
		s := min(left, scaled(big, f, 2))
		if s > 0 {
			sizes = append(sizes, s)
			left -= s
		}
	}
	for left > 0 {
		var s int
		switch x := r.Float64(); {
		case x < 0.55:
			s = 1
		case x < 0.75:
			s = 2 + r.IntN(2)
		case x < 0.90:
			s = 4 + r.IntN(7)
		case x < 0.98:
			s = 11 + r.IntN(30)
		default:
			s = 41 + r.IntN(50)
		}
		s = min(s, left)
		sizes = append(sizes, s)
		left -= s
	}
	// Practices of each region, weighted by their clients, to choose a location's fixed GP.
	regionPractices := make([][]int, len(nationalRegions))
	regionPracCum := make([][]float64, len(nationalRegions))
	for i, pr := range p.practices {
		regionPractices[pr.region] = append(regionPractices[pr.region], i)
		c := 0.0
		if n := len(regionPracCum[pr.region]); n > 0 {
			c = regionPracCum[pr.region][n-1]
		}
		regionPracCum[pr.region] = append(regionPracCum[pr.region], c+float64(p.practiceOf[i])+1)
	}
	p.practiceLocs = make([][]int32, nPractices)
	for pi, size := range sizes {
		region := weighted(r, regionCum)
		sector := mgz.SectorElderly
		form := pick(r, providerForms)
		if r.Float64() < 0.35 {
			sector, form = mgz.SectorDisability, pick(r, disabilityForms)
		}
		m := pick(r, nationalRegions[region].munis)
		base := pick(r, placeNames)
		if size > 40 {
			base = m.name + " e.o."
		}
		prov := newOrg(mgz.KindCareProvider, fmt.Sprintf(form, base), "73", region)
		prov.sector = sector
		p.providers = append(p.providers, prov)
		locNames := namer{}
		for range size {
			lr := region
			if size > 40 || r.Float64() < 0.1 {
				lr = weighted(r, regionCum) // large providers work in many regions
			}
			lm := pick(r, nationalRegions[lr].munis)
			institution := r.Float64() < 0.3
			l := mgz.Location{Address: fmt.Sprintf("%s %d", pick(r, streets), 1+r.IntN(250)), Postcode: natPostcode(r, lm),
				Municipality: lm.name, Sector: sector}
			var word string
			if institution {
				l.Setting, l.Places = mgz.SettingInstitution, 20+r.IntN(100)
				l.Deliveries = pick(r, [][]mgz.Delivery{instMixed, withTreat, instMixed})
				word = map[mgz.Sector]string{mgz.SectorElderly: "Verpleeghuis", mgz.SectorDisability: "Instelling"}[sector]
			} else {
				l.Setting, l.Places = mgz.SettingClusteredHousing, 6+r.IntN(19)
				l.Deliveries = pick(r, [][]mgz.Delivery{housingAll, housingVPT, housingPGB, stayNoTr, housingAll})
				word = map[mgz.Sector]string{mgz.SectorElderly: "Woonzorg", mgz.SectorDisability: "Woonvorm"}[sector]
			}
			l.Name = locNames.unique(fmt.Sprintf("%s %s %s", word, pick(r, placeNames), lm.name))
			pl := planLoc{loc: l, provider: pi, practice: -1, physician: lr, region: lr}
			if r.Float64() < 0.92 && len(regionPractices[lr]) > 0 {
				pl.practice = regionPractices[lr][weighted(r, regionPracCum[lr])]
				p.practiceLocs[pl.practice] = append(p.practiceLocs[pl.practice], int32(len(p.locations)))
			}
			if r.Float64() < 0.04 {
				pl.physician = -1 // no SO/AVG contract: a gap the rules warn about
			}
			p.locations = append(p.locations, pl)
		}
	}
	p.bigProvider = 0

	// Where each client lives: mostly at a location whose fixed GP is the client's practice,
	// some at another location, the rest at home.
	p.clientLoc = make([]int32, clients)
	placed := make([]int, len(p.locations))
	for i, pr := range p.clientPrac {
		loc := int32(-1)
		switch {
		case pr >= 0 && len(p.practiceLocs[pr]) > 0 && r.Float64() < 0.7:
			loc = pick(r, p.practiceLocs[pr])
		case r.Float64() < 0.35:
			loc = int32(r.IntN(len(p.locations)))
		}
		p.clientLoc[i] = loc
		if loc >= 0 {
			placed[loc]++
		}
	}
	for i := range p.locations {
		p.locations[i].loc.Places = min(max(p.locations[i].loc.Places, placed[i]), 10000)
	}
	// The typical practice: the first with tens of clients.
	for i, n := range p.practiceOf {
		if i != p.stress && n >= 20 && n < 100 {
			p.typical = i
			break
		}
		if i != p.stress && p.typical == 0 {
			p.typical = i
		}
	}
	return p
}

// natClient makes client i of the plan; r is the clients' own random source, used in order.
func (p *nationalPlan) client(r *rand.Rand, i int, today time.Time, bsns *bsnSource) mgz.Patient {
	female := r.Float64() < 0.62
	title := "Meneer"
	if female {
		title = "Mevrouw"
	}
	ini := string(initials[r.IntN(len(initials))]) + "."
	if r.Float64() < 0.4 {
		ini += string(initials[r.IntN(len(initials))]) + "."
	}
	c := mgz.Patient{Name: fmt.Sprintf("%s %s %s", title, ini, pick(r, surnames))}
	var loc *planLoc
	if l := p.clientLoc[i]; l >= 0 {
		loc = &p.locations[l]
		id := loc.loc.ID
		c.LocationID, c.Sector = &id, loc.loc.Sector
	} else {
		c.Sector = mgz.SectorElderly
		if r.Float64() < 0.3 {
			c.Sector = mgz.SectorDisability
		}
	}
	if c.Sector == mgz.SectorElderly {
		c.BirthDate = mgz.NewDate(1922+r.IntN(45), time.Month(1+r.IntN(12)), 1+r.IntN(28))
	} else {
		c.BirthDate = mgz.NewDate(1945+r.IntN(60), time.Month(1+r.IntN(12)), 1+r.IntN(28))
	}
	switch {
	case loc == nil:
		region := 0
		if pr := p.clientPrac[i]; pr >= 0 {
			region = p.practices[pr].region
		} else {
			region = r.IntN(len(nationalRegions))
		}
		c.HomePostcode = natPostcode(r, pick(r, nationalRegions[region].munis))
		if r.Float64() < 0.1 {
			c.Wlz = mgz.WlzNone
		} else {
			c.Delivery = pick(r, []mgz.Delivery{mgz.DeliveryVPT, mgz.DeliveryVPT, mgz.DeliveryMPT, mgz.DeliveryPGB})
			c.Wlz = mgz.WlzWithoutTreatment
			if r.Float64() < 0.3 {
				c.Wlz = mgz.WlzWithTreatment
			}
		}
	default:
		c.Delivery = pick(r, loc.loc.Deliveries)
		switch c.Delivery {
		case mgz.DeliveryStayWithTreatment:
			c.Wlz = mgz.WlzWithTreatment
		case mgz.DeliveryStayWithoutTreatment:
			c.Wlz = mgz.WlzWithoutTreatment
		default:
			c.Wlz = mgz.WlzWithoutTreatment
			if r.Float64() < 0.3 {
				c.Wlz = mgz.WlzWithTreatment
			}
		}
	}
	if c.Wlz != mgz.WlzNone {
		c.WlzSource = pick(r, []mgz.WlzSource{mgz.WlzSourceVECOZO, mgz.WlzSourceVECOZO, mgz.WlzSourceVECOZO, mgz.WlzSourceCIZ, mgz.WlzSourceOther})
		c.WlzCheckedOn = mgz.DateOf(today.AddDate(0, 0, -r.IntN(400)))
	}
	if pr := p.clientPrac[i]; pr >= 0 {
		id := p.practices[pr].org.ID
		c.GPPracticeID = &id
	}
	switch {
	case c.Delivery == mgz.DeliveryStayWithTreatment && loc != nil && loc.physician >= 0:
		svc := p.so[loc.physician]
		c.LeadPhysician = mgz.LeadElderlyCarePhysician
		if loc.loc.Sector == mgz.SectorDisability {
			svc, c.LeadPhysician = p.avg[loc.physician], mgz.LeadIDPhysician
		}
		id := svc.org.ID
		c.LeadPhysicianOrgID = &id
	case c.GPPracticeID != nil:
		id := *c.GPPracticeID
		c.LeadPhysician, c.LeadPhysicianOrgID = mgz.LeadGP, &id
	}
	if r.Float64() < 0.5 {
		c.BSN = bsns.next()
	}
	return c
}

// bsnSource hands out BSNs that pass the 11-test from the range 999900000-999999999, which is
// never issued to a person: about 9,000 of them, after which clients have no BSN.
type bsnSource struct{ n int }

func (b *bsnSource) next() string {
	for b.n < 100000 {
		s := fmt.Sprintf("9999%05d", b.n)
		b.n++
		if mgz.ValidBSN(s) {
			return s
		}
	}
	return ""
}

// identityKey tells clients without BSN apart the way mgz import patients does (name, birth
// date, place), so that every client of the set is a client of its own there too.
func identityKey(c mgz.Patient) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s|%s|%s", c.Name, c.BirthDate, c.HomePostcode)
	if c.LocationID != nil {
		fmt.Fprintf(h, "|%d", *c.LocationID)
	}
	return h.Sum64()
}

// LoadNational fills the empty database behind store with the national set. The register,
// the accounts, the checklists and the agreements go in one transaction; the clients follow in
// transactions of 5,000 (or go to opt.PatientsCSV). It returns ErrNotEmpty, and changes
// nothing, when the register holds data. cfg configures the service that creates the accounts.
func LoadNational(ctx context.Context, store mgz.Store, cfg service.Config, opt NationalOptions) (National, error) {
	if opt.Clients < 1 {
		return National{}, fmt.Errorf("het aantal cliënten moet minstens 1 zijn, niet %d", opt.Clients)
	}
	progress := opt.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	p := planNational(opt.Seed, opt.Clients)
	var out National
	var today time.Time
	err := store.Atomic(ctx, func(tx mgz.Tx) error {
		ov, err := tx.Register().Overview(ctx)
		if err != nil {
			return err
		}
		if !ov.Empty() {
			return ErrNotEmpty
		}
		svc := service.New(joined{Tx: tx, parent: store}, cfg)
		today = svc.Today()
		w := &nationalWriter{ctx: ctx, tx: tx, svc: svc, p: p, today: today, progress: progress}
		if err := w.register(); err != nil {
			return err
		}
		if err := w.users(); err != nil {
			return err
		}
		if err := w.prerequisites(); err != nil {
			return err
		}
		if err := w.agreements(); err != nil {
			return err
		}
		out = w.out
		return ctx.Err()
	})
	if err != nil {
		return National{}, err
	}
	out.Regions = len(nationalRegions)
	if p.stress >= 0 {
		out.StressPractice, out.StressClients = p.practices[p.stress].org.Name, p.practiceOf[p.stress]
	}
	if opt.PatientsCSV != nil {
		n, err := p.writeCSV(opt.PatientsCSV, opt.Seed, today, progress)
		out.ClientsInCSV = n
		return out, err
	}
	n, err := p.storeClients(ctx, store, opt.Seed, today, progress)
	out.Clients = n
	return out, err
}

type nationalWriter struct {
	ctx      context.Context
	tx       mgz.Tx
	svc      *service.Service
	p        *nationalPlan
	today    time.Time
	progress func(string, int, int)
	out      National
	pending  []*mgz.AuditEntry
	admins   map[int64]mgz.User // by organisation id
}

// audit queues the entry the service would write for a change by the command line; flush
// appends the queue in one go.
func (w *nationalWriter) audit(act mgz.AuditAction, objType string, objID, objOrg int64, reason string) error {
	w.pending = append(w.pending, &mgz.AuditEntry{Action: act, ObjectType: objType, ObjectID: objID, ObjectOrganisationID: objOrg,
		Outcome: mgz.OutcomeAllowed, UserEmail: "system", Roles: "system", Reason: reason})
	if len(w.pending) >= 2000 {
		return w.flush()
	}
	return nil
}

func (w *nationalWriter) flush() error {
	if len(w.pending) == 0 {
		return nil
	}
	err := w.tx.Audit().AppendAll(w.ctx, w.pending)
	w.pending = w.pending[:0]
	return err
}

func (w *nationalWriter) org(o *planOrg) error {
	if err := w.tx.Register().CreateOrganisation(w.ctx, &o.org); err != nil {
		return fmt.Errorf("organisatie %s: %w", o.org.Name, err)
	}
	return w.audit(mgz.AuditCreate, "organisation", o.org.ID, o.org.ID, "landelijke demoset")
}

func (w *nationalWriter) contact(org, loc *int64, owner int64, role mgz.ContactRole, hours mgz.Hours, name string) error {
	w.out.ContactPoints++
	c := &mgz.ContactPoint{OrganisationID: org, LocationID: loc, Role: role, Hours: hours, Name: name,
		Phone: fmt.Sprintf("0120%06d", 500000+w.out.ContactPoints)}
	if err := w.tx.Register().CreateContactPoint(w.ctx, c); err != nil {
		return fmt.Errorf("contactpunt %s: %w", name, err)
	}
	return w.audit(mgz.AuditCreate, "contact_point", c.ID, owner, "landelijke demoset")
}

func (w *nationalWriter) register() error {
	p := w.p
	groups := []struct {
		orgs  []planOrg
		count *int
	}{{p.careOffices, &w.out.CareOffices}, {p.rhos, &w.out.RHOs}, {p.so, &w.out.PhysicianServices},
		{p.avg, &w.out.PhysicianServices}, {p.posts, &w.out.GPPosts}, {p.practices, &w.out.Practices}, {p.providers, &w.out.Providers}}
	total := len(p.careOffices) + len(p.rhos) + len(p.so) + len(p.avg) + len(p.posts) + len(p.practices) + len(p.providers)
	done := 0
	for _, g := range groups {
		for i := range g.orgs {
			if err := w.org(&g.orgs[i]); err != nil {
				return err
			}
			*g.count++
			done++
			if done%1000 == 0 {
				w.progress("organisaties", done, total)
			}
		}
	}
	w.progress("organisaties", total, total)
	for i := range p.posts {
		o := &p.posts[i].org
		if err := w.contact(&o.ID, nil, o.ID, mgz.RoleGPPost, mgz.HoursOutOfHours, "Triage "+o.Name); err != nil {
			return err
		}
	}
	for _, s := range [][]planOrg{p.so, p.avg} {
		for i := range s {
			o := &s[i].org
			if err := w.contact(&o.ID, nil, o.ID, mgz.RolePhysicianOnCall, mgz.Hours24x7, "Dienstdoende arts "+o.Name); err != nil {
				return err
			}
		}
	}
	for i := range p.providers {
		o := &p.providers[i].org
		if i%5 < 3 { // most providers have a voorwacht for all their locations
			if err := w.contact(&o.ID, nil, o.ID, mgz.RoleFirstLine, mgz.Hours24x7, "Voorwacht "+o.Name); err != nil {
				return err
			}
		}
	}
	for i := range p.locations {
		pl := &p.locations[i]
		pl.loc.ProviderID = p.providers[pl.provider].org.ID
		if pl.practice >= 0 {
			id := p.practices[pl.practice].org.ID
			pl.loc.FixedGPPracticeID = &id
		}
		if pl.physician >= 0 {
			svc := p.so[pl.physician]
			if pl.loc.Sector == mgz.SectorDisability {
				svc = p.avg[pl.physician]
			}
			id := svc.org.ID
			pl.loc.PhysicianServiceID = &id
		}
		if err := w.tx.Register().CreateLocation(w.ctx, &pl.loc); err != nil {
			return fmt.Errorf("locatie %s: %w", pl.loc.Name, err)
		}
		if err := w.audit(mgz.AuditCreate, "location", pl.loc.ID, pl.loc.ProviderID, "landelijke demoset"); err != nil {
			return err
		}
		if err := w.contact(nil, &pl.loc.ID, pl.loc.ProviderID, mgz.RoleManagement, mgz.HoursOffice, "Locatieleiding"); err != nil {
			return err
		}
		w.out.Locations++
		if w.out.Locations%1000 == 0 {
			w.progress("locaties", w.out.Locations, len(p.locations))
		}
	}
	w.progress("locaties", len(p.locations), len(p.locations))
	return w.flush()
}

// users creates the four named accounts and one admin per organisation, all with Password,
// hashed once.
func (w *nationalWriter) users() error {
	p := w.p
	hash, err := w.svc.HashPassword(Password)
	if err != nil {
		return err
	}
	sys := service.System()
	create := func(o mgz.Organisation, email, name string, roles ...mgz.UserRole) (mgz.User, error) {
		u, _, err := w.svc.CreateUser(w.ctx, sys, service.NewUser{OrganisationID: o.ID, Email: email, Name: name,
			Roles: roles, PasswordHash: hash})
		if err != nil {
			return u, fmt.Errorf("account %s: %w", email, err)
		}
		w.out.Users++
		return u, nil
	}
	named := []struct {
		org   mgz.Organisation
		email string
		name  string
		roles []mgz.UserRole
	}{
		{p.practices[p.typical].org, AccountPractice, "Demo huisarts", []mgz.UserRole{mgz.RoleAdmin, mgz.RolePhysician}},
		{p.rhos[p.practices[p.typical].region].org, AccountRHO, "Demo beleidsmedewerker RHO", []mgz.UserRole{mgz.RoleAdmin, mgz.RoleRegionalTable}},
		{p.providers[p.bigProvider].org, AccountProvider, "Demo zorgaanbieder", []mgz.UserRole{mgz.RoleAdmin}},
	}
	if p.stress >= 0 {
		named = append([]struct {
			org   mgz.Organisation
			email string
			name  string
			roles []mgz.UserRole
		}{{p.practices[p.stress].org, AccountStressPractice, "Demo huisarts (grote praktijk)", []mgz.UserRole{mgz.RoleAdmin, mgz.RolePhysician}}}, named...)
	}
	for _, n := range named {
		if _, err := create(n.org, n.email, n.name, n.roles...); err != nil {
			return err
		}
		w.out.Named = append(w.out.Named, Account{Email: n.email, Organisation: n.org.Name, Kind: n.org.Kind})
	}
	w.admins = map[int64]mgz.User{}
	all := [][]planOrg{p.careOffices, p.rhos, p.so, p.avg, p.posts, p.practices, p.providers}
	total := 0
	for _, g := range all {
		total += len(g)
	}
	for _, g := range all {
		for _, o := range g {
			roles := []mgz.UserRole{mgz.RoleAdmin}
			if physicianKinds[o.org.Kind] {
				roles = append(roles, mgz.RolePhysician)
			}
			u, err := create(o.org, Email(o.org.Name), "Demo "+o.org.Name, roles...)
			if err != nil {
				return err
			}
			w.admins[o.org.ID] = u
			w.out.Admins = append(w.out.Admins, Account{Email: u.Email, Organisation: o.org.Name, Kind: o.org.Kind})
			if len(w.out.Admins)%1000 == 0 {
				w.progress("accounts", len(w.out.Admins), total)
			}
		}
	}
	w.progress("accounts", total, total)
	return nil
}

// prerequisites records each location's checklist: most are in order, some have items not
// met or not recorded, and some have evidence whose end date has passed.
func (w *nationalWriter) prerequisites() error {
	r := rand.New(rand.NewPCG(w.p.seed, 0x7072657265713134))
	confirmed := w.svc.Now()
	for i := range w.p.locations {
		l := &w.p.locations[i].loc
		class := r.Float64()
		notMet := r.IntN(len(mgz.Prerequisites))
		for j, d := range mgz.Prerequisites {
			it := mgz.PrerequisiteItem{LocationID: l.ID, Key: d.Key, Status: mgz.StatusMet, Note: "Vastgesteld bij de jaarlijkse evaluatie.",
				ConfirmedByName: "opdrachtregel", ConfirmedAt: confirmed}
			switch {
			case class < 0.70:
				if d.Key == mgz.PrereqPhysicianContract {
					end := dateOf(w.today.AddDate(0, 0, 30+r.IntN(700)))
					it.ValidUntil = &end
				}
			case class < 0.85:
				if j == notMet || j == (notMet+3)%len(mgz.Prerequisites) {
					it.Status, it.Note = mgz.StatusNotMet, "Nog niet geregeld."
				}
			case class < 0.93:
				if d.Key == mgz.PrereqPhysicianContract || j == notMet {
					end := dateOf(w.today.AddDate(0, 0, -1-r.IntN(90))) // expired: the evidence no longer holds
					it.ValidUntil = &end
				}
			default:
				if j >= 5 {
					continue // not recorded yet: unknown
				}
			}
			if err := w.tx.Prerequisites().Record(w.ctx, &it); err != nil {
				return fmt.Errorf("randvoorwaarde %s van %s: %w", d.Key, l.Name, err)
			}
			if err := w.audit(mgz.AuditUpdate, "prerequisite", it.ID, l.ProviderID, ""); err != nil {
				return err
			}
			w.out.Prerequisites++
		}
		if (i+1)%1000 == 0 {
			w.progress("randvoorwaarden", i+1, len(w.p.locations))
		}
	}
	w.progress("randvoorwaarden", len(w.p.locations), len(w.p.locations))
	return w.flush()
}

func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// agreements makes the model agreements between providers and the fixed practices of their
// locations, for almost half of the pairs, in every state.
func (w *nationalWriter) agreements() error {
	p := w.p
	r := rand.New(rand.NewPCG(w.p.seed, 0x6167726565313134))
	type pair struct{ provider, practice int }
	var order []pair
	locs := map[pair][]int64{}
	for _, pl := range p.locations {
		if pl.practice < 0 {
			continue
		}
		k := pair{pl.provider, pl.practice}
		if _, ok := locs[k]; !ok {
			order = append(order, k)
		}
		locs[k] = append(locs[k], pl.loc.ID)
	}
	locByID := map[int64]mgz.Location{}
	for _, pl := range p.locations {
		locByID[pl.loc.ID] = pl.loc
	}
	now := w.svc.Now()
	for _, k := range order {
		if r.Float64() >= 0.45 {
			continue
		}
		prov, prac := p.providers[k.provider].org, p.practices[k.practice]
		ag := mgz.Agreement{Type: mgz.AgreementCooperation, Provider: prov.ID, Practice: prac.org.ID, Locations: locs[k],
			TermMonths: pick(r, []int{0, 24, 36, 60}), NoticeMonths: 3, EvaluationMonths: 12,
			Start: mgz.DateOf(w.today.AddDate(0, 0, -r.IntN(900))), UpdatedBy: "opdrachtregel", UpdatedAt: now}
		if i := w.out.Agreements % 10; i == 1 || i == 4 || i == 7 { // 30% subcontract, in an order that gives small sets both
			ag.Type, ag.TariffCents, ag.TariffUnit, ag.HoursCovered = mgz.AgreementSubcontract, 8500+int64(r.IntN(30))*100, "per uur", "werkdagen 08:00–17:00"
		} else {
			posts := p.regionPosts[prac.region]
			id := p.posts[posts[r.IntN(len(posts))]].org.ID
			ag.GPPost = &id
		}
		if err := ag.Normalise(); err != nil {
			return fmt.Errorf("overeenkomst %s en %s: %w", prov.Name, prac.org.Name, err)
		}
		snap := &mgz.AgreementSnapshot{Organisations: map[int64]mgz.Organisation{}, Region: prov.CareOfficeRegion}
		for _, id := range ag.Parties() {
			snap.Organisations[id] = w.orgByID(id)
		}
		for _, id := range ag.Locations {
			snap.Locations = append(snap.Locations, locByID[id])
		}
		ag.Snapshot = snap
		sign := func(parties []int64) {
			for _, id := range parties {
				u := w.admins[id]
				ag.Signatures = append(ag.Signatures, mgz.Signature{OrganisationID: id, UserID: u.ID, Name: u.Name, Role: "bestuurder", At: now})
			}
		}
		// Every state in fixed proportions (15% draft, 15% signing, 60% active, 10% ended), in an
		// order that gives even a small set several states.
		switch agreementStates[w.out.Agreements%len(agreementStates)] {
		case 'D':
			ag.Status = mgz.AgreementDraft
			ag.Start = mgz.DateOf(w.today.AddDate(0, 1, 0))
		case 'S':
			ag.Status = mgz.AgreementSigning
			sign(ag.Parties()[:1])
		case 'A':
			ag.Status = mgz.AgreementActive
			sign(ag.Parties())
			if ag.Type == mgz.AgreementCooperation {
				informed := now
				ag.GPPostInformedAt = &informed
			}
		default:
			ag.Status = mgz.AgreementActive
			sign(ag.Parties())
			ag.Status = mgz.AgreementEnded
			ended := mgz.DateOf(w.today.AddDate(0, 0, -r.IntN(60)))
			ag.EndedOn, ag.EndReason = &ended, "Locatie overgedragen aan een andere praktijk."
		}
		if err := w.tx.Agreements().SaveVersion(w.ctx, &ag, "opgesteld"); err != nil {
			return fmt.Errorf("overeenkomst %s en %s: %w", prov.Name, prac.org.Name, err)
		}
		if err := w.audit(mgz.AuditCreate, "agreement", ag.ID, ag.Provider, "versie 1"); err != nil {
			return err
		}
		w.out.Agreements++
	}
	w.progress("overeenkomsten", w.out.Agreements, w.out.Agreements)
	return w.flush()
}

// agreementStates is the order of the agreements' states: D draft, S signing, A active, E ended.
const agreementStates = "ADSEAASADAAASADAAEAA"

func (w *nationalWriter) orgByID(id int64) mgz.Organisation {
	for _, g := range [][]planOrg{w.p.providers, w.p.practices, w.p.posts} {
		// Organisations get ids in the order they were created, so a group is a contiguous range.
		if len(g) > 0 && id >= g[0].org.ID && id <= g[len(g)-1].org.ID {
			return g[id-g[0].org.ID].org
		}
	}
	return mgz.Organisation{ID: id}
}

// clients yields the plan's clients in order, each unique as mgz import patients sees them.
func (p *nationalPlan) eachClient(seed uint64, today time.Time, fn func(i int, c mgz.Patient) error) error {
	r := rand.New(rand.NewPCG(seed, 0x636c69656e7473)) // "clients"
	bsns := &bsnSource{}
	seen := make(map[uint64]bool, p.clients)
	for i := range p.clients {
		c := p.client(r, i, today, bsns)
		for c.BSN == "" && seen[identityKey(c)] {
			c.BirthDate = mgz.Date{Time: c.BirthDate.AddDate(0, 0, 1)}
		}
		seen[identityKey(c)] = true
		if err := fn(i, c); err != nil {
			return err
		}
	}
	return nil
}

func (p *nationalPlan) storeClients(ctx context.Context, store mgz.Store, seed uint64, today time.Time, progress func(string, int, int)) (int, error) {
	stored := 0
	var batch []mgz.Patient
	write := func() error {
		err := store.Atomic(ctx, func(tx mgz.Tx) error {
			entries := make([]*mgz.AuditEntry, 0, len(batch))
			for i := range batch {
				c := &batch[i]
				if err := c.Normalise(today); err != nil {
					return fmt.Errorf("cliënt %d: %w", stored+i+1, err)
				}
				if err := tx.Patients().CreatePatient(ctx, c); err != nil {
					return fmt.Errorf("cliënt %d: %w", stored+i+1, err)
				}
				owner := int64(0)
				switch {
				case c.GPPracticeID != nil:
					owner = *c.GPPracticeID
				case c.LeadPhysicianOrgID != nil:
					owner = *c.LeadPhysicianOrgID
				}
				entries = append(entries, &mgz.AuditEntry{Action: mgz.AuditCreate, ObjectType: "patient", ObjectID: c.ID,
					ObjectOrganisationID: owner, PatientID: c.ID, Outcome: mgz.OutcomeAllowed, UserEmail: "system", Roles: "system", Reason: "import"})
			}
			if err := tx.Audit().AppendAll(ctx, entries); err != nil {
				return err
			}
			return ctx.Err()
		})
		if err != nil {
			return err
		}
		stored += len(batch)
		batch = batch[:0]
		progress("cliënten", stored, p.clients)
		return nil
	}
	err := p.eachClient(seed, today, func(i int, c mgz.Patient) error {
		batch = append(batch, c)
		if len(batch) == clientsPerBatch {
			return write()
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		err = write()
	}
	return stored, err
}

// csvColumns are the columns of mgz import patients, in its documented order.
var csvColumns = []string{"name", "birth_date", "bsn", "provider_agb", "location_name", "home_postcode", "sector", "wlz",
	"wlz_source", "wlz_checked_on", "delivery", "gp_practice_agb", "lead_physician", "lead_physician_agb"}

func (p *nationalPlan) writeCSV(out io.Writer, seed uint64, today time.Time, progress func(string, int, int)) (int, error) {
	// Through csvsafe like every CSV mgz writes, although no generated cell starts a formula.
	cw := csvsafe.NewWriter(out)
	if err := cw.Write(csvColumns); err != nil {
		return 0, err
	}
	agbOf := map[int64]string{}
	for _, g := range [][]planOrg{p.practices, p.so, p.avg} {
		for _, o := range g {
			agbOf[o.org.ID] = o.org.AGB
		}
	}
	n := 0
	date := func(d mgz.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.String()
	}
	err := p.eachClient(seed, today, func(i int, c mgz.Patient) error {
		var provAGB, locName, gp, lead string
		if l := p.clientLoc[i]; l >= 0 {
			pl := p.locations[l]
			provAGB, locName = p.providers[pl.provider].org.AGB, pl.loc.Name
		}
		if c.GPPracticeID != nil {
			gp = agbOf[*c.GPPracticeID]
		}
		if c.LeadPhysicianOrgID != nil {
			lead = agbOf[*c.LeadPhysicianOrgID]
		}
		rec := []string{c.Name, date(c.BirthDate), c.BSN, provAGB, locName, c.HomePostcode, string(c.Sector), string(c.Wlz),
			string(c.WlzSource), date(c.WlzCheckedOn), string(c.Delivery), gp, string(c.LeadPhysician), lead}
		if err := cw.Write(rec); err != nil {
			return err
		}
		n++
		if n%20000 == 0 {
			progress("cliënten (CSV)", n, p.clients)
		}
		return nil
	})
	if ferr := cw.Flush(); err == nil {
		err = ferr
	}
	progress("cliënten (CSV)", n, p.clients)
	return n, err
}
