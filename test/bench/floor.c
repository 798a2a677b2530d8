/* The kernel's floor for benchmarks.mjs's rows: what no client, ipvsadm or tsipvsadm, can go
 * under on this kernel (and emulator), measured from one socket with next to no user-space work.
 *   floor SERVICES DESTS_PER_SERVICE   WRITE floor of a bulk restore: the same requests as `-R` of
 *                                      rules() (services 10.1.x.y:80 tcp wlc, each with real
 *                                      servers 10.200.0.N:80 masq weight 1), WINDOW in flight.
 *                                      Prints "FLOOR <requests> <seconds>".
 *   floor --read [CHANGE_EVERY]        READ floor of a listing: one service dump, then for each
 *                                      service it returned one destination dump (the kernel has
 *                                      no call listing every real server), one after another (a
 *                                      socket carries one dump at a time), every reply read to
 *                                      NLMSG_DONE and not decoded beyond the service's identity.
 *                                      With CHANGE_EVERY N, then the edits of rules(.., N) (every
 *                                      Nth service to wrr, its real servers to weight 2), WINDOW
 *                                      in flight: the floor of an apply that changes them.
 *                                      Prints "FLOOR <dumps> <seconds> <real servers> <edits>".
 *   floor --lookups N                  A client's floor per request, on any Linux (no IPVS
 *                                      needed): N generic-netlink family look-ups ("nlctrl"),
 *                                      each sent with NLM_F_ACK and waited for (reply, then ACK),
 *                                      as a listing's dumps are. Prints "LOOKUPS <n> <seconds>".
 * An error, an interrupted dump (NLM_F_DUMP_INTR) or a stray reply ends it with status 1.
 * Constants are linux/ip_vs.h's and linux/genetlink.h's. */
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WINDOW 64
enum { CMD_NEW_SERVICE = 1, CMD_SET_SERVICE, CMD_GET_SERVICE = 4, CMD_NEW_DEST, CMD_SET_DEST, CMD_GET_DEST = 8 };
enum { ATTR_SERVICE = 1, ATTR_DEST = 2 };
enum { SVC_AF = 1, SVC_PROTOCOL, SVC_ADDR, SVC_PORT, SVC_FWMARK, SVC_SCHED, SVC_FLAGS, SVC_TIMEOUT, SVC_NETMASK };
enum { DEST_ADDR = 1, DEST_PORT, DEST_FWD, DEST_WEIGHT, DEST_U_THRESH, DEST_L_THRESH };

static int sock;
static unsigned seq;
static unsigned char buf[1 << 16];

static void *put(unsigned char *msg, size_t *len, uint16_t type, const void *data, size_t size) {
  struct nlattr *a = (struct nlattr *)(msg + *len);
  a->nla_type = type;
  a->nla_len = NLA_HDRLEN + size;
  if (data) memcpy((unsigned char *)a + NLA_HDRLEN, data, size);
  *len += NLA_ALIGN(a->nla_len);
  return a;
}
static void put16(unsigned char *m, size_t *l, uint16_t t, uint16_t v) { put(m, l, t, &v, 2); }
static void put32(unsigned char *m, size_t *l, uint16_t t, uint32_t v) { put(m, l, t, &v, 4); }
static void end_nest(unsigned char *msg, size_t len, struct nlattr *nest) { nest->nla_len = msg + len - (unsigned char *)nest; }

static size_t header(unsigned char *msg, uint16_t family, uint8_t cmd, uint16_t flags) {
  struct nlmsghdr *h = (struct nlmsghdr *)msg;
  memset(msg, 0, NLMSG_HDRLEN + GENL_HDRLEN);
  h->nlmsg_type = family;
  h->nlmsg_flags = NLM_F_REQUEST | flags;
  h->nlmsg_seq = ++seq;
  ((struct genlmsghdr *)(msg + NLMSG_HDRLEN))->cmd = cmd;
  ((struct genlmsghdr *)(msg + NLMSG_HDRLEN))->version = 1;
  return NLMSG_HDRLEN + GENL_HDRLEN;
}

static void send_msg(unsigned char *msg, size_t len) {
  ((struct nlmsghdr *)msg)->nlmsg_len = len;
  if (send(sock, msg, len, 0) != (ssize_t)len) { perror("send"); exit(1); }
}

/* Reads replies until `want` acknowledgements arrived; any error ends the program. */
static void acks(int want) {
  while (want > 0) {
    ssize_t n = recv(sock, buf, sizeof buf, 0);
    if (n < 0) { perror("recv"); exit(1); }
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type != NLMSG_ERROR) continue;
      int err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
      if (err) { fprintf(stderr, "request %u refused: %s\n", h->nlmsg_seq, strerror(-err)); exit(1); }
      want--;
    }
  }
}

/* The attribute of `type` among the `size` bytes of attributes at `start`, or NULL. */
static struct nlattr *find(void *start, int size, int type) {
  for (struct nlattr *a = start; size >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= size;
       size -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((unsigned char *)a + NLA_ALIGN(a->nla_len)))
    if ((a->nla_type & NLA_TYPE_MASK) == type) return a;
  return NULL;
}
static void *payload(struct nlattr *a) { return (unsigned char *)a + NLA_HDRLEN; }
/* A generic netlink message's attributes: where they start, and their size. */
static void *genl_attrs(struct nlmsghdr *h) { return (unsigned char *)NLMSG_DATA(h) + GENL_HDRLEN; }
static int genl_size(struct nlmsghdr *h) { return (int)h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN; }

static uint16_t resolve(void) {
  unsigned char msg[256];
  size_t len = header(msg, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
  put(msg, &len, CTRL_ATTR_FAMILY_NAME, "IPVS", 5);
  send_msg(msg, len);
  ssize_t n = recv(sock, buf, sizeof buf, 0);
  struct nlmsghdr *h = (struct nlmsghdr *)buf;
  if (n < 0 || !NLMSG_OK(h, n) || h->nlmsg_type == NLMSG_ERROR) { fprintf(stderr, "no IPVS family\n"); exit(1); }
  struct nlattr *id = find(genl_attrs(h), genl_size(h), CTRL_ATTR_FAMILY_ID);
  if (!id) { fprintf(stderr, "no IPVS family id\n"); exit(1); }
  return *(uint16_t *)payload(id);
}

/* The service's identity (and, for a new service, its settings) as an ATTR_SERVICE nest. */
static void service(unsigned char *msg, size_t *len, long s, const char *sched) {
  unsigned char addr[16] = {10, 1 + (s >> 16), (s >> 8) & 255, s & 255};
  struct nlattr *nest = put(msg, len, ATTR_SERVICE | NLA_F_NESTED, NULL, 0);
  put16(msg, len, SVC_AF, 2);
  put16(msg, len, SVC_PROTOCOL, 6);
  put(msg, len, SVC_ADDR, addr, 16);
  put16(msg, len, SVC_PORT, htons(80));
  if (sched) {
    put(msg, len, SVC_SCHED, sched, strlen(sched) + 1);
    uint32_t flags[2] = {0, 0xffffffff};
    put(msg, len, SVC_FLAGS, flags, 8);
    put32(msg, len, SVC_TIMEOUT, 0);
    put32(msg, len, SVC_NETMASK, 0xffffffff);
  }
  end_nest(msg, *len, nest);
}

static double since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Real server d of rules(): 10.200.x.y:80, masquerading, `weight`. */
static void dest(unsigned char *msg, size_t *len, long d, uint32_t weight) {
  unsigned char addr[16] = {10, 200, d >> 8, (d & 255) + 1};
  struct nlattr *nest = put(msg, len, ATTR_DEST | NLA_F_NESTED, NULL, 0);
  put(msg, len, DEST_ADDR, addr, 16);
  put16(msg, len, DEST_PORT, htons(80));
  put32(msg, len, DEST_FWD, 0); /* masquerading */
  put32(msg, len, DEST_WEIGHT, weight);
  put32(msg, len, DEST_U_THRESH, 0);
  put32(msg, len, DEST_L_THRESH, 0);
  end_nest(msg, *len, nest);
}

/* Sends the dump request in `msg` and reads its replies up to NLMSG_DONE, handing each entry to
 * `each` (when given); returns how many entries came. */
static long dump(unsigned char *msg, size_t len, void (*each)(struct nlmsghdr *)) {
  uint32_t want = ((struct nlmsghdr *)msg)->nlmsg_seq;
  send_msg(msg, len);
  for (long entries = 0;;) {
    ssize_t n = recv(sock, buf, sizeof buf, 0);
    if (n < 0) { perror("recv"); exit(1); }
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_seq != want) { fprintf(stderr, "reply to request %u during dump %u\n", h->nlmsg_seq, want); exit(1); }
      if (h->nlmsg_flags & NLM_F_DUMP_INTR) { fprintf(stderr, "dump %u interrupted (NLM_F_DUMP_INTR)\n", want); exit(1); }
      if (h->nlmsg_type == NLMSG_ERROR) {
        fprintf(stderr, "dump %u refused: %s\n", want, strerror(-((struct nlmsgerr *)NLMSG_DATA(h))->error));
        exit(1);
      }
      if (h->nlmsg_type == NLMSG_DONE) {
        int err = *(int *)NLMSG_DATA(h);
        if (err < 0) { fprintf(stderr, "dump %u ended with: %s\n", want, strerror(-err)); exit(1); }
        return entries;
      }
      if (each) each(h);
      entries++;
    }
  }
}

/* A service as the kernel's dump returned it: its identity (af, and protocol, address and port,
 * or fwmark; copied attribute by attribute) as an ATTR_SERVICE nest ready to send, its index in
 * rules() (-1 if it is not one of rules()' addresses), and how many real servers it has. */
struct service { unsigned char nest[64]; size_t len; long index, dests; };
static struct service *seen;
static long nseen, capacity;

static void keep_service(struct nlmsghdr *h) {
  static const int identity[] = {SVC_AF, SVC_PROTOCOL, SVC_ADDR, SVC_PORT, SVC_FWMARK};
  struct nlattr *svc = find(genl_attrs(h), genl_size(h), ATTR_SERVICE);
  if (!svc || !find(payload(svc), svc->nla_len - NLA_HDRLEN, SVC_AF)) { fprintf(stderr, "service entry without af\n"); exit(1); }
  if (nseen == capacity && !(seen = realloc(seen, (capacity = capacity * 2 + 1024) * sizeof *seen))) { perror("realloc"); exit(1); }
  struct service *s = &seen[nseen++];
  s->len = 0;
  s->dests = 0;
  struct nlattr *nest = put(s->nest, &s->len, ATTR_SERVICE | NLA_F_NESTED, NULL, 0);
  for (size_t i = 0; i < sizeof identity / sizeof *identity; i++) {
    struct nlattr *a = find(payload(svc), svc->nla_len - NLA_HDRLEN, identity[i]);
    if (!a) continue;
    if (s->len + NLA_ALIGN(a->nla_len) > sizeof s->nest) { fprintf(stderr, "service identity too long\n"); exit(1); }
    memcpy(s->nest + s->len, a, a->nla_len);
    s->len += NLA_ALIGN(a->nla_len);
  }
  end_nest(s->nest, s->len, nest);
  struct nlattr *addr = find(payload(svc), svc->nla_len - NLA_HDRLEN, SVC_ADDR);
  const unsigned char *a = addr ? payload(addr) : NULL;
  s->index = a && a[0] == 10 && a[1] >= 1 ? ((long)(a[1] - 1) << 16) | (a[2] << 8) | a[3] : -1;
}

static void read_floor(uint16_t family, long change_every) {
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  unsigned char msg[512];
  size_t len = header(msg, family, CMD_GET_SERVICE, NLM_F_DUMP);
  dump(msg, len, keep_service);
  long dumps = 1, dests = 0, edits = 0;
  for (long i = 0; i < nseen; i++) {
    len = header(msg, family, CMD_GET_DEST, NLM_F_DUMP);
    memcpy(msg + len, seen[i].nest, seen[i].len);
    dests += seen[i].dests = dump(msg, len + seen[i].len, NULL);
    dumps++;
  }
  int inflight = 0;
  for (long i = 0; change_every > 0 && i < nseen; i++) {
    if (seen[i].index < 0 || seen[i].index % change_every) continue;
    for (long d = -1; d < seen[i].dests; d++) {
      len = header(msg, family, d < 0 ? CMD_SET_SERVICE : CMD_SET_DEST, NLM_F_ACK);
      service(msg, &len, seen[i].index, d < 0 ? "wrr" : NULL);
      if (d >= 0) dest(msg, &len, d, 2);
      send_msg(msg, len);
      edits++;
      if (++inflight == WINDOW) { acks(WINDOW / 2); inflight -= WINDOW / 2; }
    }
  }
  acks(inflight);
  printf("FLOOR %ld %.3f %ld %ld\n", dumps, since(&t0), dests, edits);
}

static void lookups(long n) {
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  unsigned char msg[64];
  for (long i = 0; i < n; i++) {
    size_t len = header(msg, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
    put(msg, &len, CTRL_ATTR_FAMILY_NAME, "nlctrl", 7);
    send_msg(msg, len);
    acks(1);
  }
  printf("LOOKUPS %ld %.6f\n", n, since(&t0));
}

static void write_floor(uint16_t family, long services, long dests) {
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  long requests = 0;
  int inflight = 0;
  unsigned char msg[512];
  for (long s = 0; s < services; s++) {
    for (long d = -1; d < dests; d++) {
      size_t len = header(msg, family, d < 0 ? CMD_NEW_SERVICE : CMD_NEW_DEST, NLM_F_ACK);
      service(msg, &len, s, d < 0 ? "wlc" : NULL);
      if (d >= 0) dest(msg, &len, d, 1);
      send_msg(msg, len);
      requests++;
      if (++inflight == WINDOW) { acks(WINDOW / 2); inflight -= WINDOW / 2; }
    }
  }
  acks(inflight);
  printf("FLOOR %ld %.3f\n", requests, since(&t0));
}

int main(int argc, char **argv) {
  int read = argc >= 2 && strcmp(argv[1], "--read") == 0;
  int lookup = argc >= 2 && strcmp(argv[1], "--lookups") == 0;
  if (lookup ? argc != 3 : read ? argc > 3 : argc != 3) return 2;
  sock = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
  if (sock < 0) { perror("socket"); return 1; }
  if (lookup) {
    lookups(atol(argv[2]));
    return 0;
  }
  uint16_t family = resolve();
  if (read) read_floor(family, argc == 3 ? atol(argv[2]) : 0);
  else write_floor(family, atol(argv[1]), atol(argv[2]));
  return 0;
}
