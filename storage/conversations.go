package storage

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// Conversation references are what an adapter needs to write to a person or
// channel unasked (Teams: service URL, conversation id, tenant...). Only the
// adapter understands them, so storage keeps them as opaque bytes under the
// adapter's own stable key ("teams/<tenant>/channel/<id>", an identity key):
// storage stays free of any platform's types, and a new platform needs no
// change here.

// PutConversation stores data under key and reports whether anything
// changed. The same reference arrives with every message a person sends, so
// an unchanged one is answered from a read transaction: no write, no fsync.
// The caller keeps ownership of data.
func (db *DB) PutConversation(ctx context.Context, key string, data []byte) (changed bool, err error) {
	if key == "" {
		return false, fmt.Errorf("put conversation: empty key")
	}
	if err := db.view(ctx, func(tx *bolt.Tx) error {
		changed = !bytes.Equal(tx.Bucket(bConvs).Get([]byte(key)), data)
		return nil
	}); err != nil || !changed {
		return false, wrapConv("put", err)
	}
	err = db.update(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bConvs).Put([]byte(key), bytes.Clone(data))
	})
	return err == nil, wrapConv("put", err)
}

// Conversation returns a copy of the bytes stored under key, or an error
// wrapping bot.ErrNotFound.
func (db *DB) Conversation(ctx context.Context, key string) ([]byte, error) {
	var out []byte
	err := db.view(ctx, func(tx *bolt.Tx) error {
		v := tx.Bucket(bConvs).Get([]byte(key))
		if v == nil {
			return bot.ErrNotFound
		}
		out = bytes.Clone(v)
		return nil
	})
	return out, wrapConv("get", err)
}

// DeleteConversation removes key; removing a key that is not there is not
// an error, so an uninstall seen twice is harmless.
func (db *DB) DeleteConversation(ctx context.Context, key string) error {
	var found bool
	if err := db.view(ctx, func(tx *bolt.Tx) error {
		found = tx.Bucket(bConvs).Get([]byte(key)) != nil
		return nil
	}); err != nil || !found {
		return wrapConv("delete", err)
	}
	return wrapConv("delete", db.update(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bConvs).Delete([]byte(key))
	}))
}

// Conversations returns copies of every reference whose key starts with
// prefix, keyed by their full keys.
func (db *DB) Conversations(ctx context.Context, prefix string) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bConvs).Cursor()
		for k, v := c.Seek([]byte(prefix)); k != nil && strings.HasPrefix(string(k), prefix); k, v = c.Next() {
			out[string(k)] = bytes.Clone(v)
		}
		return nil
	})
	return out, wrapConv("list", err)
}

func wrapConv(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s conversation: %w", op, err)
}
