// Package brokersettings is the Settings → Brokers window: connect tastytrade (the refresh
// token and client secret go once into the OS keyring through desk.BrokerSettings), test the
// connection with the read-only check, choose the broker the desk starts on, disconnect and
// forget. It never keeps or shows a secret.
package brokersettings
