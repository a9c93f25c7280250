//go:build !unix

package main

// statsSignal: no SIGUSR1 here (see statsignal_unix.go).
const statsSignal = ""

func watchStatsSignal() {}
