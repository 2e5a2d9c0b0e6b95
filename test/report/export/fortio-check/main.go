// fortio-check reads JSON files with Fortio's own Go types (fortio.org/fortio v1.66.0), as
// `fortio report` and Fortio's library do, refusing any field Fortio does not know, and checks
// that Fortio's own percentile code, run on the file's buckets, agrees with the file's
// Percentiles within one bucket. It is how the Fortio-format export was checked against the real
// tool (see test/fixtures/interop/README.md); not part of `npm test`, which needs no Go.
//
//	go run . FILE.json...
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"fortio.org/fortio/fhttp"
	"fortio.org/fortio/stats"
)

func check(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var res fhttp.HTTPRunnerResults
	if err := dec.Decode(&res); err != nil {
		return fmt.Errorf("fortio cannot read it: %w", err)
	}
	if res.RunType != "HTTP" {
		return fmt.Errorf("RunType %q", res.RunType)
	}
	for name, h := range map[string]*stats.HistogramData{"DurationHistogram": res.DurationHistogram, "ErrorsDurationHistogram": res.ErrorsDurationHistogram} {
		if h == nil {
			return fmt.Errorf("%s missing", name)
		}
		var total int64
		for _, b := range h.Data {
			total += b.Count
		}
		if total != h.Count {
			return fmt.Errorf("%s: buckets hold %d, Count %d", name, total, h.Count)
		}
		if h.Count == 0 {
			continue
		}
		// Fortio's own interpolation on the file's buckets against the file's Percentiles.
		again := *h
		again.Percentiles = nil
		again.CalcPercentiles(percentilesOf(h))
		for i, p := range h.Percentiles {
			fortioValue := again.Percentiles[i].Value
			width := bucketWidth(h, p.Value)
			if diff := fortioValue - p.Value; diff > width || -diff > width {
				return fmt.Errorf("%s p%g: file says %g s, Fortio computes %g s from the buckets (bucket %g s)", name, p.Percentile, p.Value, fortioValue, width)
			}
		}
		fmt.Printf("%s: %s count %d, %d buckets, percentiles %v agree with Fortio's CalcPercentile\n", path, name, h.Count, len(h.Data), percentilesOf(h))
	}
	fmt.Printf("%s: read by fortio %s types: %d threads, %.1f qps, %v, labels %q\n", path, "v1.66.0", res.NumThreads, res.ActualQPS, res.ActualDuration, res.Labels)
	return nil
}

func percentilesOf(h *stats.HistogramData) []float64 {
	ps := make([]float64, 0, len(h.Percentiles))
	for _, p := range h.Percentiles {
		ps = append(ps, p.Percentile)
	}
	return ps
}

// bucketWidth is the width of the Fortio bucket holding v: Fortio's interpolation is only as
// good as that.
func bucketWidth(h *stats.HistogramData, v float64) float64 {
	for _, b := range h.Data {
		if v <= b.End {
			return b.End - b.Start
		}
	}
	return h.Max - h.Min
}

func main() {
	failed := false
	for _, path := range os.Args[1:] {
		if err := check(path); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			failed = true
		}
	}
	if failed || len(os.Args) < 2 {
		os.Exit(1)
	}
}
