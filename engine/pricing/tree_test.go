package pricing

import "math"

// bbsTree values an option on a Cox–Ross–Rubinstein binomial tree with n steps (Cox, Ross
// & Rubinstein, 1979; u = e^(σ√Δt), p = (e^(bΔt) − d)/(u − d)) whose last step is the
// Black–Scholes–Merton value over Δt instead of the payoff ("binomial Black–Scholes",
// Broadie & Detemple, 1996): that removes the odd–even oscillation of the plain tree, so
// its error falls smoothly as 1/n and Richardson extrapolation works.
func bbsTree(american bool, right Right, s, k, t, r, b, v float64, n int) float64 {
	dt := t / float64(n)
	u := math.Exp(v * math.Sqrt(dt))
	d := 1 / u
	p := (math.Exp(b*dt) - d) / (u - d)
	df := math.Exp(-r * dt)
	pu, pd := df*p, df*(1-p)
	payoff := func(spot float64) float64 {
		if right == Call {
			return math.Max(spot-k, 0)
		}
		return math.Max(k-spot, 0)
	}
	// Node (j, i) has spot s·u^(2i−j).
	j := n - 1
	vals := make([]float64, n)
	for i := 0; i <= j; i++ {
		spot := s * math.Pow(u, float64(2*i-j))
		c := europeanPrice(right, spot, k, dt, r, b, v)
		if american {
			c = math.Max(c, payoff(spot))
		}
		vals[i] = c
	}
	for j := n - 2; j >= 0; j-- {
		spot := s * math.Pow(u, float64(-j))
		u2 := u * u
		for i := 0; i <= j; i++ {
			c := pu*vals[i+1] + pd*vals[i]
			if american {
				c = math.Max(c, payoff(spot))
			}
			vals[i] = c
			spot *= u2
		}
	}
	return vals[0]
}

// referenceAmerican is the accurate tree value the American model is tested against: the
// binomial Black–Scholes tree with the European control variate (tree American − tree
// European + closed-form European, Hull & White, 1988), Richardson-extrapolated from n/2
// and n steps (2·V(n) − V(n/2)). See TestReferenceTreeAccuracy for how accurate it is.
func referenceAmerican(right Right, s, k, t, r, b, v float64, n int) float64 {
	euro := europeanPrice(right, s, k, t, r, b, v)
	cv := func(n int) float64 {
		return bbsTree(true, right, s, k, t, r, b, v, n) - bbsTree(false, right, s, k, t, r, b, v, n) + euro
	}
	return 2*cv(n) - cv(n/2)
}

// crrTree values an option on a plain Cox–Ross–Rubinstein tree with n steps; it is used
// only to show how far a plain tree is from the reference.
func crrTree(american bool, right Right, s, k, t, r, b, v float64, n int) float64 {
	dt := t / float64(n)
	u := math.Exp(v * math.Sqrt(dt))
	d := 1 / u
	p := (math.Exp(b*dt) - d) / (u - d)
	df := math.Exp(-r * dt)
	pu, pd := df*p, df*(1-p)
	payoff := func(spot float64) float64 {
		if right == Call {
			return math.Max(spot-k, 0)
		}
		return math.Max(k-spot, 0)
	}
	vals := make([]float64, n+1)
	for i := 0; i <= n; i++ {
		vals[i] = payoff(s * math.Pow(u, float64(2*i-n)))
	}
	for j := n - 1; j >= 0; j-- {
		spot := s * math.Pow(u, float64(-j))
		for i := 0; i <= j; i++ {
			c := pu*vals[i+1] + pd*vals[i]
			if american {
				c = math.Max(c, payoff(spot))
			}
			vals[i] = c
			spot *= u * u
		}
	}
	return vals[0]
}

// lrTree values an option on a Leisen–Reimer binomial tree with n steps (n odd; Leisen &
// Reimer, "Binomial models for option valuation – examining and improving convergence",
// Applied Mathematical Finance 3, 1996): the up probabilities are the Peizer–Pratt
// inversion (method 2) of d₂ and d₁, so the tree's terminal spots are centred on the
// strike and its error falls smoothly, about as 1/n for an American option.
func lrTree(american bool, right Right, s, k, t, r, b, v float64, n int) float64 {
	if n%2 == 0 {
		n++
	}
	dt := t / float64(n)
	sd := v * math.Sqrt(t)
	d1 := (math.Log(s/k) + (b+0.5*v*v)*t) / sd
	d2 := d1 - sd
	pp := func(z float64) float64 { // Peizer–Pratt inversion, method 2
		nf := float64(n)
		a := z / (nf + 1.0/3 + 0.1/(nf+1))
		h := 0.5 * math.Sqrt(-math.Expm1(-a*a*(nf+1.0/6)))
		if z < 0 {
			return 0.5 - h
		}
		return 0.5 + h
	}
	p, p1 := pp(d2), pp(d1)
	g := math.Exp(b * dt)
	u := g * p1 / p
	d := (g - p*u) / (1 - p)
	df := math.Exp(-r * dt)
	pu, pd := df*p, df*(1-p)
	theta := 1.0
	if right == Put {
		theta = -1
	}
	vals := make([]float64, n+1)
	ud := u / d
	spot := s * math.Pow(d, float64(n))
	for i := 0; i <= n; i++ {
		vals[i] = math.Max(theta*(spot-k), 0)
		spot *= ud
	}
	for j := n - 1; j >= 0; j-- {
		spot := s * math.Pow(d, float64(j))
		for i := 0; i <= j; i++ {
			c := pu*vals[i+1] + pd*vals[i]
			if american {
				if ex := theta * (spot - k); ex > c {
					c = ex
				}
			}
			vals[i] = c
			spot *= ud
		}
	}
	return vals[0]
}
