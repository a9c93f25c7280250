package pricing

import "math"

// crrTree values an option on a Cox–Ross–Rubinstein binomial tree with n steps
// (Cox, Ross & Rubinstein, 1979), with cost of carry b: u = e^(σ√Δt), p = (e^(bΔt) − d)/(u − d).
// It is the independent reference the American approximation is tested against.
func crrTree(american bool, right Right, s, k, t, r, b, v float64, n int) float64 {
	dt := t / float64(n)
	u := math.Exp(v * math.Sqrt(dt))
	d := 1 / u
	p := (math.Exp(b*dt) - d) / (u - d)
	df := math.Exp(-r * dt)
	pu, pd := df*p, df*(1-p)
	// spot at step j, node i (i up-moves) is s·u^(2i−j); exercise[m+n] is the payoff at s·u^m.
	exercise := make([]float64, 2*n+1)
	for m := -n; m <= n; m++ {
		spot := s * math.Pow(u, float64(m))
		if right == Call {
			exercise[m+n] = math.Max(spot-k, 0)
		} else {
			exercise[m+n] = math.Max(k-spot, 0)
		}
	}
	vals := make([]float64, n+1)
	for i := 0; i <= n; i++ {
		vals[i] = exercise[2*i]
	}
	for j := n - 1; j >= 0; j-- {
		row := exercise[n-j : n+j+1 : n+j+1] // row[2i] is the payoff at node (j, i)
		for i := 0; i <= j; i++ {
			c := pu*vals[i+1] + pd*vals[i]
			if american && row[2*i] > c {
				c = row[2*i]
			}
			vals[i] = c
		}
	}
	return vals[0]
}

// treeValue averages the n- and (n+1)-step trees, which cancels most of the odd–even
// oscillation of the binomial method.
func treeValue(american bool, right Right, s, k, t, r, b, v float64, n int) float64 {
	return 0.5 * (crrTree(american, right, s, k, t, r, b, v, n) + crrTree(american, right, s, k, t, r, b, v, n+1))
}
