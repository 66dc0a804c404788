package main

import (
	"fmt"
	"html"
	"net/http"
)

// The pages an app's listing links to: Teams' manifest names a website,
// a privacy statement and terms of use, and shows them to whoever installs
// the app, so serve answers them itself (GET /, /privacy, /terms).
var pages = map[string]struct{ title, body string }{
	"/": {"kontaktbot", "kontaktbot holder styr på jobcentrets faste virksomhedskontakter fra chatten " +
		"(Slack og Microsoft Teams): noter et besøg på sekunder, få hver arbejdsmorgen én påmindelse om de " +
		"virksomheder, der har ventet længere end aftalt, og del ledige stillinger og intromøder med nabojobcentrene. " +
		"Skriv »hjælp« til botten for alle kommandoer."},
	"/privacy": {"kontaktbot: privatlivspolitik", "kontaktbot gemmer det, jobcentrets medarbejdere selv skriver: " +
		"virksomheder (navn, CVR-nummer, område, fast konsulent, kadence), kontakter med virksomhederne (dato, type, note), " +
		"ledige stillinger og intromøder med pseudonyme kandidatreferencer, samt medarbejdernes navn, rolle, sprog og " +
		"chat-identitet (Slack- eller Teams-id), så botten kan svare og sende påmindelser. Noter handler om virksomheder, ikke " +
		"borgere: tekst, der ligner et CPR-nummer, afvises og gemmes aldrig, og kandidater optræder kun med en reference " +
		"uden navn. Data ligger i jobcentrets egen database på jobcentrets egen server og deles ikke med andre end de " +
		"samarbejdende jobcentre. Dataansvarlig er kommunen, der driver botten; henvend dig til den om indsigt og sletning."},
	"/terms": {"kontaktbot: vilkår", "kontaktbot er et arbejdsredskab for jobcentrenes virksomhedskonsulenter og deres " +
		"ledere. Brug den kun til kontakt med virksomheder og til samarbejdet mellem jobcentre, og skriv aldrig CPR-numre " +
		"eller borgeres navne i noter, stillinger eller kandidatlister. Kommunen, der driver botten, fastsætter, hvem der " +
		"har adgang, og hvor længe noter gemmes."},
}

// pageHandler serves the pages.
func pageHandler(w http.ResponseWriter, r *http.Request) {
	p, ok := pages[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!doctype html>\n<html lang=\"da\"><head><meta charset=\"utf-8\"><title>%s</title></head>\n<body><h1>%s</h1>\n<p>%s</p></body></html>\n",
		html.EscapeString(p.title), html.EscapeString(p.title), html.EscapeString(p.body))
}
