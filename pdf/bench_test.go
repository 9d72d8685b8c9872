package pdf

import "testing"

// bench renders one document per iteration and reports its size and, where
// the platform tells, the CPU time per document.
func bench(b *testing.B, render func() ([]byte, error)) {
	var out []byte
	b.ReportAllocs()
	cpu0, ok := cpuTime()
	for b.Loop() {
		var err error
		if out, err = render(); err != nil {
			b.Fatal(err)
		}
	}
	if cpu1, _ := cpuTime(); ok {
		b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
	}
	b.ReportMetric(float64(len(out)), "bytes/pdf")
}

func BenchmarkParchemin(b *testing.B) {
	r, p := New(), parcheminData(b)
	bench(b, func() ([]byte, error) { return r.Parchemin(p) })
}

func BenchmarkLivret(b *testing.B) {
	r, l := New(), livretData(b, false, 3, 0)
	bench(b, func() ([]byte, error) { return r.Livret(l) })
}

func BenchmarkPV(b *testing.B) {
	r, p := New(), pvData(b, false, 20)
	bench(b, func() ([]byte, error) { return r.PV(p) })
}

// BenchmarkLivretParallel measures the throughput of a server issuing
// livrets on every core.
func BenchmarkLivretParallel(b *testing.B) {
	r, l := New(), livretData(b, false, 3, 0)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := r.Livret(l); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

func BenchmarkFiche(b *testing.B) {
	r, f := New(), ficheData(b, "partiel")
	bench(b, func() ([]byte, error) { return r.Fiche(f) })
}
