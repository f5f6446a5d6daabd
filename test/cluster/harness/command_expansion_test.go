package main

import "testing"

func TestExpandContainerArg(t *testing.T) {
	vars := map[string]string{"SKYPORT_POD_IP": "10.0.0.7"}
	for in, want := range map[string]string{
		"echo $$ > pid":             "echo $ > pid",
		"echo $(SKYPORT_POD_IP)":    "echo 10.0.0.7",
		"echo $(id -u) $((1 + 2))":  "echo $(id -u) $((1 + 2))",
		"wait $!; exit $?":          "wait $!; exit $?",
		"echo $$$$(SKYPORT_POD_IP)": "echo $$(SKYPORT_POD_IP)",
		"trailing $":                "trailing $",
		"open $(never closed":       "open $(never closed",
	} {
		if got := expandContainerArg(in, vars); got != want {
			t.Errorf("expandContainerArg(%q) = %q, want %q", in, got, want)
		}
	}
}
