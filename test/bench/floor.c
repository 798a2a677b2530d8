/* The kernel's floor for a bulk restore: the same requests as `-R` of benchmarks.mjs's rules()
 * (services 10.1.x.y:80 tcp wlc, each with real servers 10.200.0.N:80 masq weight 1), sent from
 * one socket with WINDOW requests in flight and next to no user-space work. Whatever time this
 * takes is the kernel's (and the emulator's), which neither ipvsadm nor tsipvsadm can go under.
 *   floor SERVICES DESTS_PER_SERVICE      prints "FLOOR <requests> <seconds>"
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
enum { CMD_NEW_SERVICE = 1, CMD_NEW_DEST = 5, ATTR_SERVICE = 1, ATTR_DEST = 2 };
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

static uint16_t resolve(void) {
  unsigned char msg[256];
  size_t len = header(msg, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
  put(msg, &len, CTRL_ATTR_FAMILY_NAME, "IPVS", 5);
  send_msg(msg, len);
  ssize_t n = recv(sock, buf, sizeof buf, 0);
  struct nlmsghdr *h = (struct nlmsghdr *)buf;
  if (n < 0 || !NLMSG_OK(h, n) || h->nlmsg_type == NLMSG_ERROR) { fprintf(stderr, "no IPVS family\n"); exit(1); }
  int left = h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
  for (struct nlattr *a = (struct nlattr *)((unsigned char *)NLMSG_DATA(h) + GENL_HDRLEN); left >= NLA_HDRLEN;
       left -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((unsigned char *)a + NLA_ALIGN(a->nla_len)))
    if (a->nla_type == CTRL_ATTR_FAMILY_ID) return *(uint16_t *)((unsigned char *)a + NLA_HDRLEN);
  exit(1);
}

/* The service's identity (and, for a new service, its settings) as an ATTR_SERVICE nest. */
static void service(unsigned char *msg, size_t *len, long s, int full) {
  unsigned char addr[16] = {10, 1 + (s >> 16), (s >> 8) & 255, s & 255};
  struct nlattr *nest = put(msg, len, ATTR_SERVICE | NLA_F_NESTED, NULL, 0);
  put16(msg, len, SVC_AF, 2);
  put16(msg, len, SVC_PROTOCOL, 6);
  put(msg, len, SVC_ADDR, addr, 16);
  put16(msg, len, SVC_PORT, htons(80));
  if (full) {
    put(msg, len, SVC_SCHED, "wlc", 4);
    uint32_t flags[2] = {0, 0xffffffff};
    put(msg, len, SVC_FLAGS, flags, 8);
    put32(msg, len, SVC_TIMEOUT, 0);
    put32(msg, len, SVC_NETMASK, 0xffffffff);
  }
  end_nest(msg, *len, nest);
}

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  long services = atol(argv[1]), dests = atol(argv[2]);
  sock = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
  if (sock < 0) { perror("socket"); return 1; }
  uint16_t family = resolve();
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  long requests = 0;
  int inflight = 0;
  unsigned char msg[512];
  for (long s = 0; s < services; s++) {
    for (long d = -1; d < dests; d++) {
      size_t len = header(msg, family, d < 0 ? CMD_NEW_SERVICE : CMD_NEW_DEST, NLM_F_ACK);
      service(msg, &len, s, d < 0);
      if (d >= 0) {
        unsigned char addr[16] = {10, 200, d >> 8, (d & 255) + 1};
        struct nlattr *nest = put(msg, &len, ATTR_DEST | NLA_F_NESTED, NULL, 0);
        put(msg, &len, DEST_ADDR, addr, 16);
        put16(msg, &len, DEST_PORT, htons(80));
        put32(msg, &len, DEST_FWD, 0); /* masquerading */
        put32(msg, &len, DEST_WEIGHT, 1);
        put32(msg, &len, DEST_U_THRESH, 0);
        put32(msg, &len, DEST_L_THRESH, 0);
        end_nest(msg, len, nest);
      }
      send_msg(msg, len);
      requests++;
      if (++inflight == WINDOW) { acks(WINDOW / 2); inflight -= WINDOW / 2; }
    }
  }
  acks(inflight);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("FLOOR %ld %.3f\n", requests, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
  return 0;
}
