/* UDP "connections" for the -c benchmark: one datagram per flow from a raw socket with spoofed
 * sources 10.150.0.H:P, sent 1024 at a time with sendmmsg. IPVS schedules locally sent packets
 * (LOCAL_OUT), so each datagram to the virtual service makes one connection entry. The python
 * fallback in in-guest.mjs does the same one sendto at a time, ~100x slower under emulation.
 *   flood DST_IP DST_PORT COUNT */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define BATCH 1024

int main(int argc, char **argv) {
  if (argc != 4) return 2;
  struct in_addr dst;
  if (!inet_aton(argv[1], &dst)) return 2;
  int dport = atoi(argv[2]);
  long count = atol(argv[3]);
  int s = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
  if (s < 0) { perror("socket"); return 1; }
  static unsigned char pkts[BATCH][28];
  static struct iovec iov[BATCH];
  static struct mmsghdr msgs[BATCH];
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = dst };
  long sent = 0;
  while (sent < count) {
    int n = 0;
    for (; n < BATCH && sent + n < count; n++) {
      long k = sent + n;
      unsigned char *p = pkts[n];
      memset(p, 0, 28);
      struct iphdr *ip = (struct iphdr *)p;
      ip->version = 4; ip->ihl = 5; ip->ttl = 64; ip->protocol = IPPROTO_UDP;
      ip->tot_len = htons(28);
      ip->saddr = htonl((10u << 24) | (150u << 16) | (unsigned)(1 + k / 60000));
      ip->daddr = dst.s_addr;
      struct udphdr *udp = (struct udphdr *)(p + 20);
      udp->source = htons((unsigned short)(1024 + k % 60000));
      udp->dest = htons(dport);
      udp->len = htons(8);
      iov[n].iov_base = p; iov[n].iov_len = 28;
      memset(&msgs[n], 0, sizeof msgs[n]);
      msgs[n].msg_hdr.msg_name = &to; msgs[n].msg_hdr.msg_namelen = sizeof to;
      msgs[n].msg_hdr.msg_iov = &iov[n]; msgs[n].msg_hdr.msg_iovlen = 1;
    }
    int done = sendmmsg(s, msgs, n, 0);
    if (done <= 0) { perror("sendmmsg"); return 1; }
    sent += done;
  }
  printf("SENT %ld\n", sent);
  return 0;
}
