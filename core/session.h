/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct session: one closed TCP session as the model keeps it.
 * Pure C, no kernel or BPF types: the collector (bpf/collector.c) and the
 * CSV replay reader (core/replay.c) both produce these.
 */
#ifndef TCPSCOPE_CORE_SESSION_H
#define TCPSCOPE_CORE_SESSION_H

#include <stdint.h>
#include <netinet/in.h>

#define SESSION_COMM_LEN 16

/* Who opened the session. */
enum sess_dir {
	DIR_UNKNOWN = 0,
	DIR_OUT,	/* we called connect() */
	DIR_IN,		/* accepted from a listener */
};

/* Which side started the close. */
enum sess_closer {
	CLOSER_UNKNOWN = 0,
	CLOSER_LOCAL,
	CLOSER_REMOTE,
};

/* Why the session ended. */
enum sess_cause {
	CAUSE_UNKNOWN = 0,
	CAUSE_FIN,	/* orderly close, FIN both ways */
	CAUSE_RST_SENT,	/* we aborted: RST sent */
	CAUSE_RST_RECV,	/* peer aborted: RST received */
	CAUSE_REFUSED,	/* connect() refused (RST to our SYN) */
	CAUSE_TIMEOUT,	/* retransmission / keepalive timeout */
	CAUSE_ABANDONED,	/* closed by its owner before the handshake ended */
	CAUSE_UNREACHABLE,	/* an ICMP error: host or network unreachable */
	CAUSE_OPEN,	/* not ended: open when it was looked at (the Open view);
			 * end_ns is when */
	CAUSE_MAX,
};

/* session.flags */
#define SESS_PID_UNCERTAIN	0x01	/* pid/comm taken from "current" at close */
#define SESS_PARTIAL		0x02	/* open before tcpscope started */

struct session {
	uint64_t start_ns;	/* wall clock (Unix epoch, ns); for PARTIAL: when tcpscope saw it */
	uint64_t end_ns;	/* wall clock (Unix epoch, ns) of the close */
	uint64_t dur_us;	/* end - start */
	uint64_t tx_bytes;	/* payload the application wrote (no SYN/FIN) */
	uint64_t rx_bytes;	/* payload received from the peer (no FIN) */
	struct in6_addr laddr;	/* IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d) */
	struct in6_addr raddr;
	uint32_t pid;		/* owning process (tgid) */
	uint32_t srtt_us;	/* smoothed RTT at close */
	uint32_t handshake_us;	/* SYN_SENT -> ESTABLISHED (out), SYN-ACK RTT (in); 0 unknown */
	uint32_t retrans;	/* retransmitted segments */
	uint16_t lport;
	uint16_t rport;
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t dir;		/* enum sess_dir */
	uint8_t closer;		/* enum sess_closer */
	uint8_t cause;		/* enum sess_cause */
	uint8_t flags;		/* SESS_* */
	uint32_t netns;		/* network namespace (its inode number, as lsns and
				 * /proc/PID/ns/net give it); 0: unknown */
	char comm[SESSION_COMM_LEN];	/* NUL-terminated; untrusted bytes */
};
/* The history holds millions: netns took what was padding. */
_Static_assert(sizeof(struct session) == 120, "struct session: 120 bytes");

/* The service port: the listening side's port of an accepted session, the
 * remote port of an outgoing one; for unknown direction the lower port. */
static inline uint16_t session_service_port(const struct session *s)
{
	if (s->dir == DIR_IN)
		return s->lport;
	if (s->dir == DIR_OUT)
		return s->rport;
	return s->lport < s->rport ? s->lport : s->rport;
}

static inline int session_is_rst(const struct session *s)
{
	return s->cause == CAUSE_RST_SENT || s->cause == CAUSE_RST_RECV ||
	       s->cause == CAUSE_REFUSED;
}

/* Did not end in an orderly close: reset, refused, timeout, unreachable,
 * abandoned (a close not seen, `?`, is not counted, nor a session open). */
static inline int session_is_failure(const struct session *s)
{
	return s->cause != CAUSE_FIN && s->cause != CAUSE_UNKNOWN && s->cause != CAUSE_OPEN;
}

const char *session_dir_name(enum sess_dir d);		/* "out" "in" "?" */
const char *session_closer_name(enum sess_closer c);	/* "local" "remote" "?" */
const char *session_cause_name(enum sess_cause c);	/* "fin" "rst_sent" "rst_recv" "refused" "timeout" "abandoned" "unreachable" "open" "?" */
/* Parse the names above back; return 0 or -EINVAL. */
/* No owner known (pid 0, no name: its socket was let go of unseen): shown
 * as "-" and "?" (SESSION_NO_OWNER_COMM), and found by that name; machine
 * formats keep 0 and "". */
#define SESSION_NO_OWNER_COMM "?"
static inline int session_no_owner(uint32_t pid, const char *comm)
{
	return pid == 0 && comm[0] == '\0';
}

int session_dir_parse(const char *s, uint8_t *out);
int session_closer_parse(const char *s, uint8_t *out);
int session_cause_parse(const char *s, uint8_t *out);

#endif
