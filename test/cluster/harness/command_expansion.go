package main

import "strings"

// expandContainerArg applies the kubelet's expansion of a container's command and args before the
// harness runs them, as a kubelet does: "$$" becomes "$", "$(NAME)" becomes the container variable
// NAME's value when the container has one (else it stays as written), any other "$" stays. Without
// it, a command that is right for a real node (escaped for the kubelet) runs differently here.
func expandContainerArg(in string, vars map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(in); i++ {
		if in[i] != '$' || i+1 >= len(in) {
			b.WriteByte(in[i])
			continue
		}
		next := in[i+1]
		switch {
		case next == '$':
			b.WriteByte('$')
		case next == '(' && strings.IndexByte(in[i+2:], ')') >= 0:
			end := i + 2 + strings.IndexByte(in[i+2:], ')')
			name := in[i+2 : end]
			if v, ok := vars[name]; ok {
				b.WriteString(v)
			} else {
				b.WriteString("$(" + name + ")")
			}
			i = end - 1
		default:
			b.WriteByte('$')
			b.WriteByte(next)
		}
		i++
	}
	return b.String()
}
