// Command skyport-pause is the pod sandbox ("pause") process of the local test cluster's real nodes:
// it holds the pod's namespaces, reaps orphaned children (it is PID 1 of the sandbox) and exits on
// SIGTERM/SIGINT. Built here so that no image comes from outside the machine.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGCHLD)
	for s := range sigs {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			var ws syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
