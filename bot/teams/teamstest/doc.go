// Package teamstest is a local fake of the Microsoft Bot Framework for
// tests of the Teams adapter and of the program that wires it: httptest
// servers on loopback that stand in for the Bot Framework's sign-in side
// (OpenID metadata, signing keys and the tokens they verify) and its
// connector, so that no test reaches the network.
//
// It imports nothing of kontaktbot's, only the standard library, the JWT
// library and the Bot Framework schema.
package teamstest
