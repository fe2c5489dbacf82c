// Package mgz holds the domain of mgz, the regional system for medisch-generalistische zorg (MGZ)
// for people with a Wlz indication: the register's types (organisations, locations, contact points),
// their validation with Dutch messages, the domain error, and the service interfaces that the
// storage adapters implement and the web adapter uses.
//
// The rules themselves live in the packages rules and calendar; storage in sqlstore; HTTP in web.
// Dependencies point inward: this package imports no adapter.
package mgz
