module kontaktbot

go 1.26.0

require (
	github.com/robfig/cron/v3 v3.0.1
	go.etcd.io/bbolt v1.5.0
	golang.org/x/term v0.47.0
)

require golang.org/x/sys v0.49.0 // indirect
