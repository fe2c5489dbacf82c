package mgz

// Option is one allowed value of an enumeration with its Dutch label, in display order.
type Option[T ~string] struct {
	Value T
	Label string
}

// Enum is a closed list of values (an identifier from domain.md §2) with Dutch labels.
type Enum[T ~string] struct {
	options []Option[T]
	index   map[T]int
}

func newEnum[T ~string](opts ...Option[T]) Enum[T] {
	e := Enum[T]{options: opts, index: make(map[T]int, len(opts))}
	for i, o := range opts {
		e.index[o.Value] = i
	}
	return e
}

// Options returns the values with their labels, in display order. The slice must not be changed.
func (e Enum[T]) Options() []Option[T] { return e.options }

// Valid reports whether v is one of the values.
func (e Enum[T]) Valid(v T) bool { _, ok := e.index[v]; return ok }

// Label returns the Dutch label of v, or v itself when it is unknown.
func (e Enum[T]) Label(v T) string {
	if i, ok := e.index[v]; ok {
		return e.options[i].Label
	}
	return string(v)
}

// List returns the Dutch labels for error messages that people read, as "a, b of c": a
// message shows the words of the form, never the codes behind them.
func (e Enum[T]) List() string {
	s := ""
	for i, o := range e.options {
		switch {
		case i == 0:
		case i == len(e.options)-1:
			s += " of "
		default:
			s += ", "
		}
		s += o.Label
	}
	return s
}

// Codes returns the values separated by ", ", for messages about codes a program sent, such as
// an unknown query parameter value of the API.
func (e Enum[T]) Codes() string {
	s := ""
	for i, o := range e.options {
		if i > 0 {
			s += ", "
		}
		s += string(o.Value)
	}
	return s
}
