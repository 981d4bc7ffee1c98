/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The record the kernel program hands to user space, one per closed TCP
 * session, through the `events` BPF ring buffer. Fixed-width types, units in
 * the names, no pointers. Shared by bpf/tcpscope.bpf.c and bpf/collector.c.
 */
#ifndef TCPSCOPE_BPF_RECORD_H
#define TCPSCOPE_BPF_RECORD_H

#define TS_COMM_LEN 16

/* tcpscope_event.dir */
#define TS_DIR_UNKNOWN	0
#define TS_DIR_OUT	1
#define TS_DIR_IN	2

/* tcpscope_event.closer */
#define TS_CLOSER_UNKNOWN 0
#define TS_CLOSER_LOCAL	1
#define TS_CLOSER_REMOTE 2

/* tcpscope_event.cause */
#define TS_CAUSE_UNKNOWN	0
#define TS_CAUSE_FIN		1
#define TS_CAUSE_RST_SENT	2
#define TS_CAUSE_RST_RECV	3
#define TS_CAUSE_REFUSED	4
#define TS_CAUSE_TIMEOUT	5
#define TS_CAUSE_ABANDONED	6
#define TS_CAUSE_UNREACHABLE	7
#define TS_CAUSE_OPEN		8	/* not closed: a record of tcpscope_open (iter/tcp) */

/* tcpscope_event.flags */
#define TS_F_PID_UNCERTAIN	0x01	/* pid/comm are "current" at close */
#define TS_F_PARTIAL		0x02	/* opened before the collector started */
#define TS_F_AWAIT_OWNER	0x04	/* an owner record may follow for sock_id */

/* Indexes of the per-CPU `closes` counters. */
#define TS_CNT_HANDED	0	/* sessions handed over by the state program (or counted lost) */
#define TS_CNT_CONNECTS	1	/* -> SYN_SENT */
#define TS_CNT_ACCEPTS	2	/* LISTEN -> SYN_RECV (a child socket) */
#define TS_CNT_CLOSES	3	/* -> CLOSE of a session (not of a listener) */
#define TS_CNT_RECLOSES	4	/* CLOSE -> CLOSE (not a session: counted to be sure) */
#define TS_CNT_LATE	5	/* sessions whose close was not seen, handed over at destruction */
#define TS_CNT_MAX	6

/* tcpscope_event.kind */
#define TS_KIND_SESSION	0	/* a closed session */
#define TS_KIND_OWNER	1	/* the owner of an earlier AWAIT_OWNER session,
				 * seen when it released the socket: only
				 * sock_id, pid and comm are set */
#define TS_KIND_OPEN	2	/* a session open now (iter/tcp, tcpscope_open): as
				 * a closed one's, end_ns the walk's time, cause
				 * TS_CAUSE_OPEN, pad the TCP state */

/* sk_info.flags */
#define I_OUT		0x0001	/* we sent the SYN */
#define I_IN		0x0002	/* accepted */
#define I_IDENT		0x0004	/* pid/comm captured in the owner's context */
#define I_LOCAL_FIRST	0x0008
#define I_REMOTE_FIRST	0x0010
#define I_FIN_SENT	0x0020
#define I_PARTIAL	0x0040	/* seen first after start-up */
#define I_START_EST	0x0080	/* accepted: start_ns is taken at ESTABLISHED */
#define I_START_SYN	0x0100	/* connect()ed: start_ns holds the jiffies at connect(); the
				 * start is the SYN's departure, read at ESTABLISHED or CLOSE */
#define I_IDENT_SEEN	0x0200	/* with I_IDENT: pid/comm are the holder the start-up walk
				 * found, which the owner's own close() replaces */
#define I_DPORT		0x0400	/* connect()ed, not ESTABLISHED yet: handshake_us holds the
				 * remote port (a connect() that fails clears the socket's
				 * before it is destroyed, where a close the program never
				 * saw is reported) */

/* The program's state for one socket between transitions. User space reads
 * it for the sweep (an entry whose socket is gone, with no close traced)
 * and for -v's account of what is still followed at exit. */
struct sk_info {
	__u64 start_ns;		/* CLOCK_BOOTTIME at SYN_SENT / SYN_RECV (accepted: at
				 * ESTABLISHED, see I_START_EST; connect()ed: see
				 * I_START_SYN); 0 = before start */
	__u32 pid;
	__u32 handshake_us;
	__u32 netns;		/* the socket's network namespace (inode number); 0: unknown */
	__u16 flags;
	__u16 seen;		/* the last sweep that found the socket open */
	char comm[TS_COMM_LEN];
};

/* An entry of the `slots` table (tp_btf). */
struct slot {
	__u64 key;		/* the socket's cookie; 0: free */
	struct sk_info info;
};

/*
 * A lane: one CPU's ring of records (tp_btf hook). The program on that CPU
 * is the only writer of `head` and of the records; user space is the only
 * writer of `tail`. Each counter has its own cache line.
 */
struct ts_lane_hdr {
	__u64 head;		/* records published (the next one's number) */
	__u64 pad1[7];
	__u64 tail;		/* records consumed */
	__u64 pad2[7];
};

struct tcpscope_event {
	__u64 start_ns;		/* CLOCK_BOOTTIME: connect() (SYN_SENT), or an accepted child's
				 * handshake done; 0 = before start */
	__u64 end_ns;		/* CLOCK_BOOTTIME at CLOSE (see close_time()) */
	__u64 tx_bytes;		/* payload written, SYN and FIN excluded */
	__u64 rx_bytes;		/* payload received, FIN excluded */
	__u8 saddr[16];		/* local address: IPv4 in the first 4 bytes */
	__u8 daddr[16];		/* remote address */
	__u32 pid;
	__u32 srtt_us;
	__u32 handshake_us;
	__u32 retrans;
	__u16 lport;		/* host byte order */
	__u16 rport;
	__u16 family;		/* AF_INET / AF_INET6 */
	__u8 dir;
	__u8 closer;
	__u8 cause;
	__u8 flags;
	__u8 kind;
	__u8 pad;
	char comm[TS_COMM_LEN];
	__u64 sock_id;		/* opaque socket identity, to match an owner record */
	__u32 netns;		/* the socket's network namespace (inode number); 0: unknown */
	__u32 reserved;		/* 128 bytes: a lane record is two whole cache lines */
};

#endif
