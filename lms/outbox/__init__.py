"""Messages to other systems (a learning record store, a platform's gradebook), kept in the database until
they are delivered: a system that is down loses nothing, and a message is put once per key."""
