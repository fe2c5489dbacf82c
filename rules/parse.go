package rules

import (
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Parse reads one decision request strictly (contract.md "Request"):
//   - input that is not JSON yields a *RequestError with CodeBadRequest
//     (HTTP 400);
//   - unknown enum values, values of the wrong type, missing required fields,
//     an `at` that is not RFC 3339 with an offset or Z, and the invalid
//     combinations of domain.md §3.4 yield one *RequestError with
//     CodeInvalidRequest naming every offending field;
//   - unknown extra fields are ignored; of duplicate keys the last one wins.
//
// Parse is a small hand-written scanner for this one schema: it needs no
// reflection and allocates little, which matters for `decide --lines`. It
// accepts exactly what encoding/json's Valid accepts (checked by a fuzz test).
func Parse(data []byte) (Request, error) {
	var r rawRequest
	p := scanner{data: data}
	if err := p.document(&r); err != nil {
		return Request{}, err
	}
	return r.request()
}

// maxDepth mirrors encoding/json's nesting limit, so both agree on what is
// valid JSON.
const maxDepth = 10000

// kind is what a JSON value turned out to be, for the fields we read.
type kind uint8

const (
	kAbsent kind = iota
	kNull
	kString
	kNumber
	kBool
	kObject
	kArray
)

var kindDutch = [...]string{kAbsent: "afwezig", kNull: "null", kString: "een tekst", kNumber: "een getal", kBool: "true of false", kObject: "een object", kArray: "een lijst"}

// rawField is a scalar field as found: its kind and, for a string, its raw
// (still escaped) bytes.
type rawField struct {
	kind kind
	raw  []byte
	esc  bool // raw contains escapes or non-ASCII bytes to decode
}

// str returns the decoded string value.
func (f rawField) str() string {
	if !f.esc {
		return string(f.raw)
	}
	return unescape(f.raw)
}

// is reports whether the field is the string v; it allocates only for a
// value with escapes.
func (f rawField) is(v string) bool {
	if !f.esc {
		return string(f.raw) == v
	}
	return unescape(f.raw) == v
}

type rawRequest struct {
	root                                 kind
	situation                            kind
	setting, wlz, delivery, sector, need rawField
	question                             kind
	category, at                         rawField
	location                             rawField
	patient                              rawField
}

// scanner walks the input once, validating the JSON grammar and recording
// the fields of the schema.
type scanner struct {
	data  []byte
	pos   int
	depth int
}

func (p *scanner) fail(msg string) *RequestError {
	m := "Het verzoek is geen geldige JSON (" + msg + " op positie " + strconv.Itoa(p.pos) + "): stuur één JSON-object, bijvoorbeeld {\"situation\": {…}, \"question\": {…}}."
	return &RequestError{Code: CodeBadRequest, Message: m, Fields: []string{}}
}

func (p *scanner) ws() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *scanner) document(r *rawRequest) *RequestError {
	p.ws()
	if p.pos >= len(p.data) {
		return p.fail("leeg")
	}
	if p.data[p.pos] == '{' {
		r.root = kObject
		if err := p.object(r.topKey); err != nil {
			return err
		}
	} else {
		k, err := p.skip()
		if err != nil {
			return err
		}
		r.root = k
	}
	p.ws()
	if p.pos != len(p.data) {
		return p.fail("tekst na het einde van het object")
	}
	return nil
}

// object parses an object at p.pos, calling member for each key with the
// scanner positioned at the value; member must consume the value.
func (p *scanner) object(member func(p *scanner, key rawField) *RequestError) *RequestError {
	p.depth++
	if p.depth > maxDepth {
		return p.fail("te diep genest")
	}
	p.pos++ // '{'
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		p.depth--
		return nil
	}
	for {
		p.ws()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return p.fail("naam van een veld verwacht")
		}
		key, err := p.str()
		if err != nil {
			return err
		}
		p.ws()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return p.fail("':' verwacht")
		}
		p.pos++
		p.ws()
		if err := member(p, key); err != nil {
			return err
		}
		if done, err := p.separator('}'); done || err != nil {
			return err
		}
	}
}

func (r *rawRequest) topKey(p *scanner, key rawField) *RequestError {
	switch {
	case key.is("situation"):
		r.setting, r.wlz, r.delivery, r.sector, r.need = rawField{}, rawField{}, rawField{}, rawField{}, rawField{}
		if p.pos < len(p.data) && p.data[p.pos] == '{' {
			r.situation = kObject
			return p.object(r.situationKey)
		}
		k, err := p.skip()
		r.situation = k
		return err
	case key.is("question"):
		r.category, r.at = rawField{}, rawField{}
		if p.pos < len(p.data) && p.data[p.pos] == '{' {
			r.question = kObject
			return p.object(r.questionKey)
		}
		k, err := p.skip()
		r.question = k
		return err
	case key.is("location_id"):
		return p.scalar(&r.location)
	case key.is("patient_id"):
		start := p.pos
		err := p.scalar(&r.patient)
		if r.patient.kind == kNumber {
			r.patient.raw = p.data[start:p.pos]
		}
		return err
	}
	_, err := p.skip()
	return err
}

func (r *rawRequest) situationKey(p *scanner, key rawField) *RequestError {
	switch {
	case key.is("setting"):
		return p.scalar(&r.setting)
	case key.is("wlz"):
		return p.scalar(&r.wlz)
	case key.is("delivery"):
		return p.scalar(&r.delivery)
	case key.is("sector"):
		return p.scalar(&r.sector)
	case key.is("need"):
		return p.scalar(&r.need)
	}
	_, err := p.skip()
	return err
}

func (r *rawRequest) questionKey(p *scanner, key rawField) *RequestError {
	switch {
	case key.is("category"):
		return p.scalar(&r.category)
	case key.is("at"):
		return p.scalar(&r.at)
	}
	_, err := p.skip()
	return err
}

// scalar reads any value into f, keeping the raw bytes of a string.
func (p *scanner) scalar(f *rawField) *RequestError {
	if p.pos < len(p.data) && p.data[p.pos] == '"' {
		s, err := p.str()
		*f = s
		return err
	}
	k, err := p.skip()
	*f = rawField{kind: k}
	return err
}

// str reads a string at p.pos (on the opening quote) and returns its raw
// content.
func (p *scanner) str() (rawField, *RequestError) {
	p.pos++
	start := p.pos
	esc := false
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			f := rawField{kind: kString, raw: p.data[start:p.pos], esc: esc}
			p.pos++
			return f, nil
		case c == '\\':
			esc = true
			p.pos++
			if p.pos >= len(p.data) {
				return rawField{}, p.fail("onafgemaakte tekst")
			}
			switch p.data[p.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.pos++
			case 'u':
				if p.pos+4 >= len(p.data) {
					return rawField{}, p.fail("ongeldige \\u-code")
				}
				for i := 1; i <= 4; i++ {
					if !isHex(p.data[p.pos+i]) {
						return rawField{}, p.fail("ongeldige \\u-code")
					}
				}
				p.pos += 5
			default:
				return rawField{}, p.fail("ongeldige escape in tekst")
			}
		case c < 0x20:
			return rawField{}, p.fail("stuurteken in tekst")
		default:
			if c >= utf8.RuneSelf {
				esc = true // decode to replace invalid UTF-8 as encoding/json does
			}
			p.pos++
		}
	}
	return rawField{}, p.fail("onafgemaakte tekst")
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

// skip validates and consumes any value, returning its kind.
func (p *scanner) skip() (kind, *RequestError) {
	if p.pos >= len(p.data) {
		return 0, p.fail("waarde verwacht")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return kObject, p.object(skipMember)
	case c == '[':
		return kArray, p.array()
	case c == '"':
		_, err := p.str()
		return kString, err
	case c == 't':
		return kBool, p.literal("true")
	case c == 'f':
		return kBool, p.literal("false")
	case c == 'n':
		return kNull, p.literal("null")
	case c == '-' || ('0' <= c && c <= '9'):
		return kNumber, p.number()
	}
	return 0, p.fail("waarde verwacht")
}

// skipMember consumes the value of a member nobody asked for.
func skipMember(p *scanner, _ rawField) *RequestError {
	_, err := p.skip()
	return err
}

func (p *scanner) array() *RequestError {
	p.depth++
	if p.depth > maxDepth {
		return p.fail("te diep genest")
	}
	p.pos++ // '['
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		p.depth--
		return nil
	}
	for {
		p.ws()
		if _, err := p.skip(); err != nil {
			return err
		}
		if done, err := p.separator(']'); done || err != nil {
			return err
		}
	}
}

func (p *scanner) literal(lit string) *RequestError {
	if len(p.data)-p.pos < len(lit) || string(p.data[p.pos:p.pos+len(lit)]) != lit {
		return p.fail("onbekend woord")
	}
	p.pos += len(lit)
	return nil
}

// number validates -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *scanner) number() *RequestError {
	d := p.data
	if d[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos < len(d) && d[p.pos] == '0':
		p.pos++
	case p.pos < len(d) && '1' <= d[p.pos] && d[p.pos] <= '9':
		for p.pos < len(d) && '0' <= d[p.pos] && d[p.pos] <= '9' {
			p.pos++
		}
	default:
		return p.fail("ongeldig getal")
	}
	if p.pos < len(d) && d[p.pos] == '.' {
		p.pos++
		if p.pos >= len(d) || d[p.pos] < '0' || d[p.pos] > '9' {
			return p.fail("ongeldig getal")
		}
		for p.pos < len(d) && '0' <= d[p.pos] && d[p.pos] <= '9' {
			p.pos++
		}
	}
	if p.pos < len(d) && (d[p.pos] == 'e' || d[p.pos] == 'E') {
		p.pos++
		if p.pos < len(d) && (d[p.pos] == '+' || d[p.pos] == '-') {
			p.pos++
		}
		if p.pos >= len(d) || d[p.pos] < '0' || d[p.pos] > '9' {
			return p.fail("ongeldig getal")
		}
		for p.pos < len(d) && '0' <= d[p.pos] && d[p.pos] <= '9' {
			p.pos++
		}
	}
	return nil
}

// unescape decodes a JSON string body the way encoding/json does: escapes
// resolved, invalid UTF-8 and lone surrogates replaced by U+FFFD.
func unescape(raw []byte) string {
	b := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\\':
			i++
			switch raw[i] {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r := hex4(raw[i+1:])
				i += 4
				if utf16.IsSurrogate(r) {
					// A high surrogate followed by \u low surrogate is one rune.
					if i+6 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
						if r2 := utf16.DecodeRune(r, hex4(raw[i+3:])); r2 != utf8.RuneError {
							b = utf8.AppendRune(b, r2)
							i += 6
							break
						}
					}
					r = utf8.RuneError
				}
				b = utf8.AppendRune(b, r)
			default: // '"', '\\', '/'
				b = append(b, raw[i])
			}
			i++
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, raw[i:i+size]...)
			}
			i += size
		}
	}
	return string(b)
}

func hex4(s []byte) rune {
	var r rune
	for _, c := range s[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		default:
			c = c - 'A' + 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// request turns the raw fields into a Request, or a RequestError naming
// every offending field.
func (r *rawRequest) request() (Request, error) {
	var p problems
	var bad fieldSet
	var req Request
	mark := func(f field, msg string) {
		p.add(f, msg)
		bad |= 1 << f
	}
	switch r.root {
	case kObject:
	default:
		mark(fSituation, "het verzoek moet een JSON-object zijn met ten minste situation, maar is "+kindDutch[r.root]+".")
	}
	// With a patient_id the situation comes from the register: it may be
	// left out or given in part, and is judged after the register is read.
	withPatient := false
	if r.root == kObject {
		switch r.patient.kind {
		case kString:
			req.PatientID = r.patient.str()
			withPatient = req.PatientID != ""
		case kNumber:
			// A client's id written as a JSON number is taken as its text, when it is a whole number.
			if isDigits(r.patient.raw) {
				req.PatientID, withPatient = string(r.patient.raw), true
				break
			}
			mark(fPatient, "moet de code van een cliënt in het register zijn, een tekst of een geheel getal, maar is "+kindDutch[kNumber]+" met een breuk of exponent.")
		case kAbsent, kNull:
		default:
			mark(fPatient, "moet een tekst zijn (de code van een cliënt in het register), maar is "+kindDutch[r.patient.kind]+".")
		}
	}
	if r.root == kObject {
		switch r.situation {
		case kObject:
			enumField(&p, &bad, r.setting, specSetting, !withPatient, (*string)(&req.Situation.Setting))
			enumField(&p, &bad, r.wlz, specWlz, !withPatient, (*string)(&req.Situation.Wlz))
			enumField(&p, &bad, r.delivery, specDelivery, false, (*string)(&req.Situation.Delivery))
			enumField(&p, &bad, r.sector, specSector, !withPatient, (*string)(&req.Situation.Sector))
			enumField(&p, &bad, r.need, specNeed, false, (*string)(&req.Situation.Need))
		case kAbsent, kNull:
			if !withPatient {
				mark(fSituation, "ontbreekt: geef de situatie op met setting, wlz, sector en (afhankelijk van wlz) delivery of need, of geef patient_id van een cliënt in het register.")
			}
		default:
			mark(fSituation, "moet een object zijn met setting, wlz, sector en delivery of need, maar is "+kindDutch[r.situation]+".")
		}
		switch r.question {
		case kObject:
			q := &Question{}
			req.Question = q
			enumField(&p, &bad, r.category, specCategory, true, (*string)(&q.Category))
			switch r.at.kind {
			case kString:
				t, err := time.Parse(time.RFC3339, r.at.str())
				switch {
				case err != nil:
					mark(fAt, atInvalid)
				case !atInRange(t):
					mark(fAt, atOutOfRange)
				default:
					q.At = t
				}
			case kAbsent, kNull:
				mark(fAt, atMissing)
			default:
				mark(fAt, "moet een tekst zijn, maar is "+kindDutch[r.at.kind]+": schrijf bijvoorbeeld \"2026-12-25T03:10:00+01:00\".")
			}
		case kAbsent, kNull:
		default:
			mark(fQuestion, "moet een object zijn met category en at (of weggelaten worden), maar is "+kindDutch[r.question]+".")
		}
		switch r.location.kind {
		case kString:
			req.LocationID = r.location.str()
		case kAbsent, kNull:
		default:
			mark(fLocation, "moet een tekst zijn (de code van een geregistreerde locatie), maar is "+kindDutch[r.location.kind]+".")
		}
	}
	if !bad.has(fSituation) && !withPatient {
		checkCombinations(&p, req.Situation, bad)
	}
	if !p.empty() {
		return Request{}, p.err()
	}
	return req, nil
}

// isDigits reports whether b is a non-empty run of ASCII digits.
func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// atInRange reports whether a parsed question.at is written with a year from
// 1900 to 9999 (the last year RFC 3339 can write). Earlier years are surely
// typing errors, and the year 1 must be refused anyway:
// 0001-01-01T00:00:00Z is Go's zero time, which Decide reads as "no moment
// given". The year is the one written in the request, before any offset is
// applied, so the error message can name it.
func atInRange(t time.Time) bool {
	y := t.Year()
	return y >= 1900 && y <= 9999
}

// enumField checks one enumerated field of the raw request and stores a
// valid value in dst. The value is stored as the package constant, so a
// parsed request holds no copies of the input.
func enumField(p *problems, bad *fieldSet, f rawField, spec enumSpec, required bool, dst *string) {
	switch f.kind {
	case kString:
		for _, v := range spec.values {
			if f.is(v) {
				*dst = v
				return
			}
		}
		p.add(spec.field, spec.unknown(f.str()))
	case kAbsent, kNull:
		if !required {
			return
		}
		p.add(spec.field, spec.missing())
	default:
		p.add(spec.field, spec.wrongType(kindDutch[f.kind]))
	}
	*bad |= 1 << spec.field
}

// separator reads what follows a member or element: a comma (more follows) or the closing byte
// of the object or array, which ends it (done).
func (p *scanner) separator(closing byte) (done bool, err *RequestError) {
	p.ws()
	if p.pos >= len(p.data) {
		return false, p.fail("onverwacht einde")
	}
	switch p.data[p.pos] {
	case ',':
		p.pos++
		return false, nil
	case closing:
		p.pos++
		p.depth--
		return true, nil
	}
	return false, p.fail("',' of '" + string(closing) + "' verwacht")
}
