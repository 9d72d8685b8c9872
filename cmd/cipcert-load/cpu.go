package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc CPU times: 100 on every Linux
// architecture Go supports.
const clockTicks = 100

// cpuSample is cumulative CPU time, in seconds, of the parties of a
// measured run: the cipcert server, every postgres process, this program
// (the load clients, and the bare Echo yardstick), and the whole machine,
// split into normal-priority work and niced work (the background fuzzers).
type cpuSample struct {
	at                               time.Time
	server, postgres, client         float64
	machineBusy, machineNice, cpuNum float64
}

func sampleCPU(serverPid int) cpuSample {
	s := cpuSample{at: time.Now(), server: procCPU(serverPid)}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		s.client = float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
	}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if comm, rest, ok := parseStat(string(b)); ok && comm == "postgres" {
			s.postgres += statCPU(rest)
		}
	}
	if f, err := os.Open("/proc/stat"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) > 8 && fields[0] == "cpu" {
				v := func(i int) float64 { n, _ := strconv.ParseFloat(fields[i], 64); return n / clockTicks }
				// user nice system idle iowait irq softirq steal
				s.machineBusy = v(1) + v(3) + v(6) + v(7) + v(8)
				s.machineNice = v(2)
			} else if strings.HasPrefix(fields[0], "cpu") && len(fields[0]) > 3 {
				s.cpuNum++
			}
		}
		f.Close()
	}
	return s
}

// procCPU is the user and system time of a process, in seconds.
func procCPU(pid int) float64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	_, rest, ok := parseStat(string(b))
	if !ok {
		return 0
	}
	return statCPU(rest)
}

// parseStat splits /proc/<pid>/stat into the command name and the fields
// after it (the name is in parentheses and may hold spaces).
func parseStat(s string) (comm string, rest []string, ok bool) {
	i, j := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if i < 0 || j < i {
		return "", nil, false
	}
	return s[i+1 : j], strings.Fields(s[j+1:]), true
}

// statCPU is utime + stime (fields 14 and 15 of the stat line, 12 and 13
// after the name) in seconds.
func statCPU(rest []string) float64 {
	if len(rest) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(rest[11], 64)
	st, _ := strconv.ParseFloat(rest[12], 64)
	return (u + st) / clockTicks
}

// RunCPU is where a run's CPU went, per request, and how busy the machine was.
type RunCPU struct {
	ServerMS   float64 `json:"server_cpu_ms_per_request"`
	PostgresMS float64 `json:"postgres_cpu_ms_per_request"`
	ClientMS   float64 `json:"client_cpu_ms_per_request"`
	BusyPct    float64 `json:"machine_busy_pct"` // normal-priority work, all CPUs
	NicePct    float64 `json:"machine_niced_pct"`
}

func cpuDelta(a, b cpuSample, requests int) RunCPU {
	var c RunCPU
	if requests > 0 {
		n := float64(requests) / 1000
		c.ServerMS, c.PostgresMS, c.ClientMS = (b.server-a.server)/n, (b.postgres-a.postgres)/n, (b.client-a.client)/n
	}
	if wall := b.at.Sub(a.at).Seconds() * max(1, b.cpuNum); wall > 0 {
		c.BusyPct, c.NicePct = 100*(b.machineBusy-a.machineBusy)/wall, 100*(b.machineNice-a.machineNice)/wall
	}
	return c
}
