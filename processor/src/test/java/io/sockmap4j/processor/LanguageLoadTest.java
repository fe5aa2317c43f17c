package io.sockmap4j.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import io.sockmap4j.runtime.BpfObject;
import io.sockmap4j.runtime.ObjectSpec;
import io.sockmap4j.runtime.VerifierException;
import io.sockmap4j.runtime.testing.KernelTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/**
 * Every construct of the language, compiled by the processor and loaded into the real kernel
 * verifier. Together the programs below use each supported statement, expression, operator,
 * conversion, constant form, context getter, key type and redirect form at least once; a rejection
 * by the verifier of code the processor accepted is a processor bug.
 *
 * <p>The listing checks need no kernel: they pin down code shapes the verifier depends on (no jump
 * for a constant condition, shift counts masked as in Java, large divisors in a register).
 */
class LanguageLoadTest {

  /** Constants read from another class. */
  private static final JavaFileObject LIMITS =
      JavaFileObjects.forSourceString(
          "lang.Limits",
          """
          package lang;

          final class Limits {
            static final int SLOTS = 8;
            static final long MASK = 0xFFFF_FFFFL;

            interface Ports {
              int HTTP = 80;
            }
          }
          """);

  /**
   * Locals of every primitive type and {@code var}, every arithmetic, bitwise and shift operator,
   * signed division and remainder by positive, negative, MIN_VALUE and 64-bit constants, every
   * compound assignment, ++/-- in expressions, casts between all integral types, int-vs-long
   * comparisons, constants of this class, of other classes (qualified, nested, statically imported)
   * and of the JDK, a stream parser and a SOCKMAP verdict with constant and computed keys.
   */
  private static final JavaFileObject ARITHMETIC =
      JavaFileObjects.forSourceString(
          "lang.Arithmetic",
          """
          package lang;

          import static lang.Limits.MASK;
          import static lang.Limits.Ports.*;

          import io.sockmap4j.Direction;
          import io.sockmap4j.SkBuff;
          import io.sockmap4j.SkSkbParser;
          import io.sockmap4j.SkSkbVerdict;
          import io.sockmap4j.SockMap;
          import io.sockmap4j.SocketMap;
          import io.sockmap4j.Verdict;

          final class Arithmetic {
            static final long BIG = 0x1_0000_0001L;
            static final byte SMALL = -3;
            static final short MID = 1000;
            static final char LETTER = 'A';
            static final boolean ON = true;

            @SockMap(maxEntries = Limits.SLOTS)
            static SocketMap peers;

            @SkSkbParser(map = "peers")
            static int parse(SkBuff skb) {
              int len = skb.len();
              short s = (short) len;
              char ch = (char) len;
              byte by = (byte) len;
              len += s + ch + by;
              len -= MID;
              return len > 0 ? skb.len() : 1;
            }

            @SkSkbVerdict(map = "peers")
            static Verdict verdict(SkBuff skb) {
              int a = skb.len();
              long b = skb.socketCookie();
              var c = a + 1;
              var d = b * 3L;
              byte e = (byte) a;
              short f = (short) (a * 300);
              char g = (char) (a + LETTER);
              boolean h = a > 10 && b != 0 || !(a < 3);
              int arith = a + c - e * f / 7 % 5;
              int bits = (a & 0xFF) | (c ^ 0x5A);
              int inv = ~a;
              int neg = -a;
              int shl = a << 3;
              int shr = a >> 2;
              int ushr = a >>> 1;
              int shlMasked = a << 33;
              int ushrMasked = a >>> 40;
              long lshlMasked = b << 65;
              long lushr = b >>> 60;
              long lsar = b >> 63;
              int shVar = a << c;
              long lshVar = b >> a;
              long lushVar = b >>> c;
              int div = a / 7;
              int rem = a % 7;
              int divNeg = a / -7;
              int remNeg = a % -7;
              int divMin = a / Integer.MIN_VALUE;
              long ldiv = b / 1000L;
              long lrem = b % -13L;
              long ldivNeg = b / -3;
              long ldivHuge = b / BIG;
              long lremHuge = b % Long.MIN_VALUE;
              c += 5;
              c -= 1;
              c *= 3;
              c /= 2;
              c %= 11;
              c <<= 2;
              c >>= 1;
              c >>>= 1;
              c &= 0xFFF;
              c |= 0x10;
              c ^= 3;
              e += 1;
              f -= 2;
              g += 1;
              d += a;
              d >>>= 3;
              h &= a > 0;
              h |= b < 0;
              h ^= true;
              int pre = ++a + --c;
              int post = a++ - c--;
              int nested = a + (c + (e + (f + (g + (a - c)))));
              int cond = a + (a > c ? 1 : 2) * (b < a ? c : 3);
              long mixed = a > b ? b : a;
              int fromLong = (int) b;
              long fromInt = (long) a;
              byte fromChar = (byte) g;
              char fromShort = (char) f;
              short fromByte = (short) e;
              boolean flag = !h;
              long sum =
                  d + arith + bits + inv + neg + shl + shr + ushr + shlMasked + ushrMasked
                      + lshlMasked + lushr + lsar + shVar + lshVar + lushVar + div + rem + divNeg
                      + remNeg + divMin + ldiv + lrem + ldivNeg + ldivHuge + lremHuge + pre + post
                      + nested + cond + mixed + fromLong + fromInt + fromChar + fromShort
                      + fromByte + SMALL + (MASK & b) + HTTP - Limits.Ports.HTTP;
              if (flag || sum == Long.MAX_VALUE) {
                return Verdict.DROP;
              }
              if (ON && sum < 0) {
                return peers.redirect(skb, 3, Direction.INGRESS);
              }
              return peers.redirect(skb, (int) (sum & (Limits.SLOTS - 1)));
            }
          }
          """);

  /**
   * SOCKHASH keys of every kind: a padded record (built from getters, copied, reassigned, passed as
   * a local and as {@code new}), a record with char and boolean components, Long, Integer, Short
   * and Byte; SK_MSG and SK_SKB redirects with both directions; a Verdict local.
   */
  private static final JavaFileObject KEYS =
      JavaFileObjects.forSourceString(
          "lang.Keys",
          """
          package lang;

          import io.sockmap4j.Direction;
          import io.sockmap4j.SkBuff;
          import io.sockmap4j.SkMsg;
          import io.sockmap4j.SkMsgVerdict;
          import io.sockmap4j.SkSkbVerdict;
          import io.sockmap4j.SockHash;
          import io.sockmap4j.SockMap;
          import io.sockmap4j.SocketHash;
          import io.sockmap4j.SocketMap;
          import io.sockmap4j.Verdict;

          final class Keys {
            record Padded(byte a, long b, short c) {}

            record Endpoint(int ip, char port, boolean up) {}

            @SockHash(maxEntries = 16)
            static SocketHash<Padded> byPadded;

            @SockHash(maxEntries = 16)
            static SocketHash<Long> byCookie;

            @SockHash(maxEntries = 16)
            static SocketHash<Integer> byInt;

            @SockHash(maxEntries = 16)
            static SocketHash<Short> byShort;

            @SockHash(maxEntries = 16)
            static SocketHash<Byte> byByte;

            @SockHash(maxEntries = 16)
            static SocketHash<Endpoint> byEndpoint;

            @SockMap(maxEntries = 4)
            static SocketMap slots;

            @SkMsgVerdict(map = "byPadded")
            static Verdict padded(SkMsg msg) {
              Padded key =
                  new Padded((byte) msg.size(), msg.remoteIp4() & 0xFFFF_FFFFL, (short) msg.localPort());
              if (key.a() < 0) {
                return Verdict.DROP;
              }
              long sum = key.a() + key.b() + key.c();
              Padded copy = key;
              Padded other = new Padded((byte) 1, 0x1_2345_6789L, (short) -2);
              if (sum > 100) {
                other = copy;
              }
              if (sum == 0) {
                return byPadded.redirect(msg, new Padded((byte) 0, sum, (short) 7), Direction.INGRESS);
              }
              return byPadded.redirect(msg, other, Direction.EGRESS);
            }

            @SkMsgVerdict(map = "byEndpoint")
            static Verdict endpoint(SkMsg msg) {
              Endpoint peer = new Endpoint(msg.remoteIp4(), (char) msg.remotePort(), msg.family() == 2);
              if (!peer.up()) {
                return byEndpoint.redirect(msg, new Endpoint(peer.ip(), peer.port(), true));
              }
              return byEndpoint.redirect(msg, peer);
            }

            @SkSkbVerdict(map = "byCookie")
            static Verdict cookie(SkBuff skb) {
              return byCookie.redirect(skb, skb.socketCookie(), Direction.INGRESS);
            }

            @SkSkbVerdict(map = "byInt")
            static Verdict integer(SkBuff skb) {
              if (skb.localPort() == 80) {
                return byInt.redirect(skb, 80);
              }
              return byInt.redirect(skb, skb.remotePort() + 1);
            }

            @SkSkbVerdict(map = "byShort")
            static Verdict shortKey(SkBuff skb) {
              return byShort.redirect(skb, (short) skb.len());
            }

            @SkMsgVerdict(map = "byByte")
            static Verdict byteKey(SkMsg msg) {
              byte b = (byte) msg.size();
              return byByte.redirect(msg, b);
            }

            @SkMsgVerdict(map = "slots")
            static Verdict slot(SkMsg msg) {
              Verdict v = slots.redirect(msg, msg.size() & 3, Direction.INGRESS);
              if (v == Verdict.DROP) {
                return slots.redirect(msg, 0);
              }
              return v;
            }
          }
          """);

  /**
   * If/else chains with early returns, {@code if (true)}, {@code if (false)}, constant flags,
   * short-circuit conditions mixing getters and locals.
   */
  private static final JavaFileObject CONTROL =
      JavaFileObjects.forSourceString(
          "lang.Control",
          """
          package lang;

          import io.sockmap4j.SkBuff;
          import io.sockmap4j.SkSkbParser;
          import io.sockmap4j.SkSkbVerdict;
          import io.sockmap4j.SockMap;
          import io.sockmap4j.SocketMap;
          import io.sockmap4j.Verdict;

          final class Control {
            static final boolean DEBUG = false;
            static final int HEADER = 4;

            @SockMap(maxEntries = 2)
            static SocketMap peers;

            @SkSkbParser(map = "peers")
            static int parse(SkBuff skb) {
              if (true) {
                return skb.len();
              }
              return 0;
            }

            @SkSkbVerdict(map = "peers")
            static Verdict verdict(SkBuff skb) {
              if (false) {
                return Verdict.DROP;
              }
              if (DEBUG) {
                return Verdict.DROP;
              } else if (!DEBUG && HEADER > 2) {
                int len = skb.len();
                if (len < HEADER) {
                  return Verdict.DROP;
                } else if (len == HEADER) {
                  return Verdict.PASS;
                } else if (len > 1000 || skb.family() != 2) {
                  return peers.redirect(skb, 1);
                } else {
                  boolean small = len < 100;
                  if (small && skb.localPort() != 0 || !small && skb.remotePort() == 0) {
                    return peers.redirect(skb, 0);
                  }
                }
              }
              int constantPick = true ? 1 : 2;
              int livePick = HEADER > 3 ? skb.len() : skb.family();
              if (constantPick + livePick == 0) {
                return Verdict.DROP;
              }
              return Verdict.PASS;
            }
          }
          """);

  /**
   * Expression forms: chained and nested assignments, unary plus and minus, shifts by a long, shift
   * counts of exactly the width, boolean {@code & | ^ ==}, char literals in arithmetic, constants
   * on the left of a comparison, nested ternaries, a record built from locals, redirects inside
   * ternaries and expressions, helper calls with live temporaries, every getter of both contexts,
   * and Verdict locals.
   */
  private static final JavaFileObject EXPRESSIONS =
      JavaFileObjects.forSourceString(
          "lang.Expressions",
          """
          package lang;

          import io.sockmap4j.Direction;
          import io.sockmap4j.SkBuff;
          import io.sockmap4j.SkMsg;
          import io.sockmap4j.SkMsgVerdict;
          import io.sockmap4j.SkSkbParser;
          import io.sockmap4j.SkSkbVerdict;
          import io.sockmap4j.SockMap;
          import io.sockmap4j.SocketMap;
          import io.sockmap4j.Verdict;

          final class Expressions {
            record Pair(int x, int y) {}

            @SockMap(maxEntries = 4)
            static SocketMap peers;

            @SkSkbParser(map = "peers")
            static int parse(SkBuff skb) {
              byte small = (byte) skb.remoteIp4();
              if (small > 0) {
                return small;
              }
              long wide = skb.localIp4();
              return (int) (wide >>> 1) + skb.localPort() - skb.remotePort();
            }

            @SkSkbVerdict(map = "peers")
            static Verdict verdict(SkBuff skb) {
              int a = skb.len();
              int c;
              c = 2;
              a = c = 5 + a;
              int z = (a = 4) + 1;
              long b = skb.socketCookie();
              c += b;
              int u = +a - (-c);
              int sh = a << b;
              long big = b << 64;
              int zero = a >>> 32;
              boolean f1 = a > 0;
              boolean f2 = b < -1L;
              boolean f3 = (f1 & f2) | (f1 ^ f2) | f1 == f2;
              boolean f4 = 5 < a && 'a' + c > 100;
              int abs = (a > 0 ? a : -a) > 5 ? 1 : 0;
              var pair = new Pair(a, c);
              var v = a > z ? peers.redirect(skb, pair.x() & 3) : Verdict.DROP;
              int withCall =
                  a + (peers.redirect(skb, 1) == Verdict.PASS ? 1 : 0) + (int) skb.socketCookie();
              if (v != Verdict.PASS && f3 || f4) {
                return a > 0 ? Verdict.PASS : Verdict.DROP;
              }
              if (u + sh + big + zero + abs + withCall + pair.y() == 0) {
                return a > 0 ? peers.redirect(skb, 2, Direction.EGRESS) : Verdict.DROP;
              }
              return peers.redirect(skb, (int) skb.socketCookie() & 1);
            }

            @SkMsgVerdict(map = "peers")
            static Verdict send(SkMsg msg) {
              int sum =
                  msg.size() + msg.family() + msg.remoteIp4() + msg.localIp4() + msg.remotePort()
                      + msg.localPort();
              Verdict v = Verdict.PASS;
              if (sum == 0) {
                v = Verdict.DROP;
              }
              return v;
            }
          }
          """);

  /**
   * Loops of every form: for, while and do with counters up and down, int and long, break,
   * continue, labelled break and continue across nested loops, for-each over arrays, a loop that
   * calls a redirect helper on each iteration, and a loop inside an inlined method.
   */
  private static final JavaFileObject LOOPS =
      JavaFileObjects.forSourceString(
          "lang.Loops",
          """
          package lang;

          import io.sockmap4j.SkBuff;
          import io.sockmap4j.SkMsg;
          import io.sockmap4j.SkMsgVerdict;
          import io.sockmap4j.SkSkbParser;
          import io.sockmap4j.SkSkbVerdict;
          import io.sockmap4j.SockMap;
          import io.sockmap4j.SocketMap;
          import io.sockmap4j.Verdict;

          final class Loops {
            static final int SLOTS = 8;

            @SockMap(maxEntries = SLOTS)
            static SocketMap peers;

            static int popcount(int x) {
              int bits = 0;
              for (int i = 0; i < 32; i++) {
                bits += (x >>> i) & 1;
              }
              return bits;
            }

            @SkSkbParser(map = "peers")
            static int parse(SkBuff skb) {
              int len = skb.len();
              int header = 0;
              int i = 0;
              while (i < 4) {
                header = header << 8 | (len >>> (8 * i)) & 0xFF;
                i++;
              }
              long j = 100;
              do {
                header ^= (int) j;
                j -= 25;
              } while (j > 0);
              return popcount(header) > 16 ? len : 1;
            }

            @SkSkbVerdict(map = "peers")
            static Verdict verdict(SkBuff skb) {
              int len = skb.len();
              int found = -1;
              outer:
              for (int a = 0; a < 6; a++) {
                for (int b = a; b < 6; b++) {
                  if (b == 3) {
                    continue;
                  }
                  if (a * b == len) {
                    found = a;
                    break outer;
                  }
                  if (a + b > len) {
                    continue outer;
                  }
                }
              }
              int[] weights = {1, 2, 4, 8};
              int score = 0;
              for (int w : weights) {
                if (w > len) {
                  break;
                }
                score += w;
              }
              for (int slot = SLOTS - 1; slot >= 0; slot--) {
                if (slot == found || slot == score) {
                  continue;
                }
                if (peers.redirect(skb, slot) == Verdict.PASS) {
                  return Verdict.PASS;
                }
              }
              return Verdict.DROP;
            }

            @SkMsgVerdict(map = "peers")
            static Verdict send(SkMsg msg) {
              long total = 0;
              for (long k = 1; k <= 1000; k += 10) {
                total += k;
              }
              return total + msg.size() > 0 ? Verdict.PASS : Verdict.DROP;
            }
          }
          """);

  /**
   * Switch statements and expressions: classic with fall-through and break, arrows with several
   * labels, yield, a switch with many cases (binary search), switches on char, byte and short,
   * enums of the class (locals, constants, ==, ordinal(), an exhaustive switch expression), and
   * Verdict in a switch.
   */
  private static final JavaFileObject SWITCHES =
      JavaFileObjects.forSourceString(
          "lang.Switches",
          """
          package lang;

          import io.sockmap4j.SkBuff;
          import io.sockmap4j.SkMsg;
          import io.sockmap4j.SkMsgVerdict;
          import io.sockmap4j.SkSkbParser;
          import io.sockmap4j.SkSkbVerdict;
          import io.sockmap4j.SockMap;
          import io.sockmap4j.SocketMap;
          import io.sockmap4j.Verdict;

          final class Switches {
            enum Kind { PING, DATA, CLOSE, OTHER }

            @SockMap(maxEntries = 4)
            static SocketMap peers;

            static Kind kindOf(int type) {
              switch (type) {
                case 1:
                  return Kind.PING;
                case 2:
                case 3:
                  return Kind.DATA;
                case 9:
                  return Kind.CLOSE;
                default:
                  return Kind.OTHER;
              }
            }

            @SkSkbParser(map = "peers")
            static int parse(SkBuff skb) {
              int len = skb.len();
              int header = switch (len & 0xFF) {
                case 0 -> 4;
                case 1, 2, 3 -> 8;
                case 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 -> 16;
                case 255 -> {
                  int twice = len * 2;
                  yield twice & 0xFFF;
                }
                default -> len;
              };
              switch ((char) len) {
                case 'A':
                  header++;
                case 'B':
                  header++;
                  break;
                default:
                  break;
              }
              return header;
            }

            @SkSkbVerdict(map = "peers")
            static Verdict verdict(SkBuff skb) {
              Kind kind = kindOf(skb.len() & 15);
              int slot =
                  switch (kind) {
                    case PING -> 0;
                    case DATA -> 1;
                    case CLOSE -> 2;
                    case OTHER -> 3;
                  };
              if (kind == Kind.CLOSE || kind.ordinal() > Kind.DATA.ordinal()) {
                return Verdict.DROP;
              }
              Verdict v = peers.redirect(skb, slot);
              switch (v) {
                case DROP -> {
                  return peers.redirect(skb, 3);
                }
                case PASS -> {}
              }
              return v;
            }

            @SkMsgVerdict(map = "peers")
            static Verdict send(SkMsg msg) {
              byte b = (byte) msg.size();
              short s = (short) msg.localPort();
              int r = switch (b) {
                case -1 -> 1;
                default -> switch (s) {
                  case 80, 443 -> 2;
                  default -> {
                    yield 3;
                  }
                };
              };
              return r == 1 ? Verdict.DROP : Verdict.PASS;
            }
          }
          """);

  /**
   * Local arrays of every element type: zeroed and initialised, constant and variable indexes for
   * reads and writes, compound assignment and ++ on elements, length, and a SOCKHASH key read from
   * an array.
   */
  private static final JavaFileObject ARRAYS =
      JavaFileObjects.forSourceString(
          "lang.Arrays",
          """
          package lang;

          import io.sockmap4j.SkBuff;
          import io.sockmap4j.SkMsg;
          import io.sockmap4j.SkMsgVerdict;
          import io.sockmap4j.SkSkbParser;
          import io.sockmap4j.SkSkbVerdict;
          import io.sockmap4j.SockHash;
          import io.sockmap4j.SockMap;
          import io.sockmap4j.SocketHash;
          import io.sockmap4j.SocketMap;
          import io.sockmap4j.Verdict;

          final class Arrays {
            @SockMap(maxEntries = 4)
            static SocketMap peers;

            @SockHash(maxEntries = 4)
            static SocketHash<Long> byCookie;

            @SkSkbParser(map = "peers")
            static int parse(SkBuff skb) {
              int len = skb.len();
              int[] histogram = new int[16];
              histogram[len & 15]++;
              histogram[len >>> 28] += 2;
              histogram[3] = len * 3;
              byte[] small = {1, -2, 3};
              short[] mid = new short[5];
              char[] letters = {'a', 'b'};
              boolean[] seen = new boolean[7];
              mid[len & 3] = (short) len;
              seen[len & 7 & 3] = true;
              small[len & 1] -= 5;
              letters[1]++;
              int sum = histogram.length + small[len & 1] + mid[4] + letters[len & 1];
              return seen[2] ? sum : histogram[len & 15] + histogram[len >>> 28];
            }

            @SkSkbVerdict(map = "peers")
            static Verdict verdict(SkBuff skb) {
              int[] ports = {80, 443, 8080, 8443};
              int port = skb.localPort();
              for (int i = 0; i < ports.length; i++) {
                if (ports[i] == port) {
                  return peers.redirect(skb, i);
                }
              }
              return Verdict.PASS;
            }

            @SkMsgVerdict(map = "byCookie")
            static Verdict send(SkMsg msg) {
              long[] keys = {1L << 40, -7, msg.size()};
              return byCookie.redirect(msg, keys[msg.size()]);
            }
          }
          """);

  /**
   * Calls to the class's own static methods, inlined: scalar, enum, record and void results,
   * context parameters, early returns, nested calls, a method that redirects, a SOCKHASH key built
   * by a method, and a method shared by an SK_SKB and an SK_MSG program.
   */
  private static final JavaFileObject CALLS =
      JavaFileObjects.forSourceString(
          "lang.Calls",
          """
          package lang;

          import io.sockmap4j.Direction;
          import io.sockmap4j.SkBuff;
          import io.sockmap4j.SkMsg;
          import io.sockmap4j.SkMsgVerdict;
          import io.sockmap4j.SkSkbParser;
          import io.sockmap4j.SkSkbVerdict;
          import io.sockmap4j.SockHash;
          import io.sockmap4j.SocketHash;
          import io.sockmap4j.Verdict;

          final class Calls {
            record Flow(int ip, int port) {}

            @SockHash(maxEntries = 16)
            static SocketHash<Flow> flows;

            static boolean isLocal(int ip) {
              return ip >>> 24 == 127;
            }

            static int clamp(int x, int lo, int hi) {
              if (x < lo) {
                return lo;
              }
              return x > hi ? hi : x;
            }

            static Flow peerOf(SkBuff skb) {
              return new Flow(skb.remoteIp4(), skb.remotePort());
            }

            static Flow swap(Flow f) {
              return new Flow(f.port(), f.ip());
            }

            static Verdict forward(SkBuff skb, Flow to) {
              if (isLocal(to.ip())) {
                return flows.redirect(skb, to, Direction.INGRESS);
              }
              return flows.redirect(skb, swap(to));
            }

            static void touch(long x) {
              if (x == 0) {
                return;
              }
            }

            @SkSkbParser(map = "flows")
            static int parse(SkBuff skb) {
              touch(skb.socketCookie());
              return clamp(skb.len(), 1, clamp(skb.family(), 100, 4096));
            }

            @SkSkbVerdict(map = "flows")
            static Verdict verdict(SkBuff skb) {
              Flow peer = peerOf(skb);
              return forward(skb, peer);
            }

            @SkMsgVerdict(map = "flows")
            static Verdict send(SkMsg msg) {
              return isLocal(msg.remoteIp4())
                  ? flows.redirect(msg, new Flow(msg.localIp4(), clamp(msg.localPort(), 0, 65535)))
                  : Verdict.PASS;
            }
          }
          """);

  /**
   * Division and remainder by values known only at run time (int, long, compound), every JDK
   * intrinsic, on values from the context, in a parser (fault result -1) and verdicts (DROP).
   */
  private static final JavaFileObject JDK =
      JavaFileObjects.forSourceString(
          "lang.Jdk",
          """
          package lang;

          import io.sockmap4j.SkBuff;
          import io.sockmap4j.SkMsg;
          import io.sockmap4j.SkMsgVerdict;
          import io.sockmap4j.SkSkbParser;
          import io.sockmap4j.SkSkbVerdict;
          import io.sockmap4j.SockMap;
          import io.sockmap4j.SocketMap;
          import io.sockmap4j.Verdict;

          final class Jdk {
            @SockMap(maxEntries = 4)
            static SocketMap peers;

            @SkSkbParser(map = "peers")
            static int parse(SkBuff skb) {
              int len = skb.len();
              int family = skb.family();
              int q = len / family;
              q %= family - 2;
              long wide = skb.socketCookie();
              long lq = wide / len + wide % (wide >>> 3);
              return q + (int) lq;
            }

            @SkSkbVerdict(map = "peers")
            static Verdict verdict(SkBuff skb) {
              int a = skb.len();
              int b = skb.remotePort();
              long c = skb.socketCookie();
              long d = Integer.toUnsignedLong(a) * b;
              int e =
                  Integer.compareUnsigned(a, b)
                      + Integer.divideUnsigned(a, b)
                      + Integer.remainderUnsigned(a, b | 1)
                      + Integer.reverseBytes(a)
                      + Short.reverseBytes((short) a)
                      + Character.reverseBytes((char) b)
                      + Byte.toUnsignedInt((byte) a)
                      + Short.toUnsignedInt((short) b)
                      + Integer.rotateLeft(a, b)
                      + Integer.rotateRight(a, 3)
                      + Math.min(a, b)
                      + Math.max(a, -b)
                      + Math.abs(a - b);
              long f =
                  Long.reverseBytes(c)
                      + Long.compareUnsigned(c, d)
                      + Long.divideUnsigned(c, d)
                      + Long.remainderUnsigned(c, 0xFFFF_FFFF_0L)
                      + Long.rotateLeft(c, a)
                      + Long.rotateRight(c, 17)
                      + Math.min(c, a)
                      + Math.max(d, c)
                      + Math.abs(c)
                      + Byte.toUnsignedLong((byte) b)
                      + Short.toUnsignedLong((short) a);
              return (e ^ f) % 3 == 0 ? Verdict.PASS : Verdict.DROP;
            }

            @SkMsgVerdict(map = "peers")
            static Verdict send(SkMsg msg) {
              return msg.size() / (msg.localPort() - 80) > 1 ? Verdict.PASS : Verdict.DROP;
            }
          }
          """);

  // ------------------------------------------------------------------ the verifier accepts

  @KernelTest
  void arithmeticLoads() {
    assertLoads(compile(ARITHMETIC, LIMITS), "Arithmetic", List.of("parse", "verdict"));
  }

  @KernelTest
  void keysLoad() {
    assertLoads(
        compile(KEYS),
        "Keys",
        List.of("padded", "endpoint", "cookie", "integer", "shortKey", "byteKey", "slot"));
  }

  @KernelTest
  void controlFlowLoads() {
    assertLoads(compile(CONTROL), "Control", List.of("parse", "verdict"));
  }

  @KernelTest
  void expressionsLoad() {
    assertLoads(compile(EXPRESSIONS), "Expressions", List.of("parse", "verdict", "send"));
  }

  @KernelTest
  void loopsLoad() {
    assertLoads(compile(LOOPS), "Loops", List.of("parse", "verdict", "send"));
  }

  @KernelTest
  void switchesAndEnumsLoad() {
    assertLoads(compile(SWITCHES), "Switches", List.of("parse", "verdict", "send"));
  }

  @KernelTest
  void arraysLoad() {
    assertLoads(compile(ARRAYS), "Arrays", List.of("parse", "verdict", "send"));
  }

  @KernelTest
  void inlinedCallsLoad() {
    assertLoads(compile(CALLS), "Calls", List.of("parse", "verdict", "send"));
  }

  @KernelTest
  void divisionAndIntrinsicsLoad() {
    assertLoads(compile(JDK), "Jdk", List.of("parse", "verdict", "send"));
  }

  // ------------------------------------------------------------------------- code shapes

  @Test
  void constantConditionsLeaveNoJumpAndNoDeadCode() {
    String listing = listing(compile(CONTROL), "Control");

    List<String> parse = program(listing, "parse");
    // if (true) { return skb.len(); } return 0;  =>  r0 = len; exit (r6 = r1 is optimised away)
    assertEquals(2, instructions(parse).size(), () -> String.join("\n", parse));
    assertTrue(parse.stream().noneMatch(l -> l.contains("goto")), () -> String.join("\n", parse));
    assertTrue(parse.stream().noneMatch(l -> l.contains("return 0;")));

    List<String> verdict = program(listing, "verdict");
    // No instruction is attributed to the dead conditions, and no jump goes nowhere.
    assertTrue(statement(verdict, "if (false)").isEmpty(), () -> String.join("\n", verdict));
    assertTrue(statement(verdict, "if (DEBUG)").isEmpty(), () -> String.join("\n", verdict));
    assertTrue(verdict.stream().noneMatch(l -> l.contains("goto +0")), listing);
    // A constant ternary is folded to one move; a ternary with a constant condition keeps one arm.
    List<String> constantPick = instructionTexts(statement(verdict, "int constantPick"));
    // (one move; its store disappears when the optimiser keeps the local in a register)
    assertEquals("w7 = 1", constantPick.get(0), constantPick::toString);
    assertTrue(constantPick.size() <= 2, constantPick::toString);
    assertTrue(constantPick.stream().noneMatch(l -> l.contains("goto")), constantPick::toString);
    List<String> livePick = instructionTexts(statement(verdict, "int livePick"));
    assertTrue(livePick.stream().noneMatch(l -> l.contains("goto")), livePick::toString);
    // The context is r6 or, where nothing clobbers it, r1 itself.
    assertTrue(
        livePick.stream().anyMatch(l -> l.matches(".*\\*\\(u32 \\*\\)\\(r[16] \\+0\\).*")),
        livePick::toString);
    assertTrue(
        livePick.stream().noneMatch(l -> l.matches(".*\\(r[16] \\+88\\).*")), livePick::toString);
  }

  @Test
  void shiftCountsAreMaskedAsInJava() {
    List<String> verdict = program(listing(compile(ARITHMETIC, LIMITS), "Arithmetic"), "verdict");

    assertTrue(endsWithOne(statement(verdict, "a << 33"), "<<= 1"));
    assertTrue(endsWithOne(statement(verdict, "a >>> 40"), ">>= 8"));
    assertTrue(endsWithOne(statement(verdict, "b << 65"), "<<= 1"));
    assertTrue(endsWithOne(statement(verdict, "b >> 63"), "s>>= 63"));
  }

  @Test
  void divisorsBeyondAnImmediateGoThroughARegister() {
    List<String> verdict = program(listing(compile(ARITHMETIC, LIMITS), "Arithmetic"), "verdict");

    List<String> huge = instructionTexts(statement(verdict, "b / BIG"));
    assertTrue(huge.contains("r1 = 0x100000001 ll"), huge::toString);
    assertTrue(huge.stream().anyMatch(l -> l.endsWith("/= r1")), huge::toString);
    List<String> min = instructionTexts(statement(verdict, "b % Long.MIN_VALUE"));
    assertTrue(min.contains("r1 = 0x8000000000000000 ll"), min::toString);
    assertTrue(min.stream().anyMatch(l -> l.endsWith("%= r1")), min::toString);
  }

  @Test
  void paddedRecordKeysAreZeroedBeforeTheComponentsAreStored() {
    List<String> padded = program(listing(compile(KEYS), "Keys"), "padded");

    // The key handed to the helper: sizeof(Padded) = 24, so three zeroing stores at base, base+8,
    // base+16, then a at +0 (u8), b at +8 (u64), c at +16 (u16). (The local 'key' is never handed
    // to a helper, so the optimiser may keep its fields in registers.)
    List<String> build = instructionTexts(statement(padded, "return byPadded.redirect(msg, new"));
    Matcher first = Pattern.compile("\\*\\(u64 \\*\\)\\(r10 (-\\d+)\\) = 0").matcher(build.get(0));
    assertTrue(first.matches(), build::toString);
    int base = Integer.parseInt(first.group(1));
    assertEquals(
        List.of(
            "*(u64 *)(r10 " + base + ") = 0",
            "*(u64 *)(r10 " + (base + 8) + ") = 0",
            "*(u64 *)(r10 " + (base + 16) + ") = 0"),
        build.subList(0, 3));
    assertTrue(
        build.stream().anyMatch(l -> l.startsWith("*(u8 *)(r10 " + base + ") =")), build::toString);
    assertTrue(
        build.stream().anyMatch(l -> l.startsWith("*(u64 *)(r10 " + (base + 8) + ") =")),
        build::toString);
    assertTrue(
        build.stream().anyMatch(l -> l.startsWith("*(u16 *)(r10 " + (base + 16) + ") =")),
        build::toString);
  }

  @Test
  void loopsJumpBackInsteadOfUnrolling() {
    List<String> parse = program(listing(compile(LOOPS), "Loops"), "parse");

    // popcount's 32 iterations: the body is emitted once, and a back-edge repeats it.
    List<String> body = instructionTexts(statement(parse, "bits += (x >>> i) & 1;"));
    assertEquals(1, body.stream().filter(l -> l.contains(">>= ")).count(), body::toString);
    List<String> all = instructionTexts(instructions(parse));
    assertTrue(all.stream().anyMatch(l -> l.matches("goto -\\d+ <\\d+>")), all::toString);
    assertTrue(all.stream().noneMatch(l -> l.startsWith("call ")), all::toString);
  }

  @Test
  void manyCasesAreFoundByABinarySearch() {
    List<String> parse = program(listing(compile(SWITCHES), "Switches"), "parse");

    List<String> dispatch = instructionTexts(statement(parse, "int header = switch (len & 0xFF)"));
    // 15 values: halved by ordered comparisons, then each value tested once for equality.
    assertTrue(dispatch.stream().anyMatch(l -> l.contains(" s>= ")), dispatch::toString);
    for (int value : new int[] {0, 1, 2, 3, 10, 50, 100, 255}) {
      assertEquals(
          1,
          dispatch.stream().filter(l -> l.matches("if w\\d == " + value + " goto .*")).count(),
          () -> value + " in " + dispatch);
    }
    // A few cases: a chain of equality tests and no ordered comparison.
    List<String> small = instructionTexts(statement(parse, "switch ((char) len)"));
    assertTrue(small.stream().noneMatch(l -> l.contains(" s>= ")), small::toString);
    assertTrue(small.stream().anyMatch(l -> l.matches("if w\\d == 65 goto .*")), small::toString);
  }

  @Test
  void divisionByAValueChecksForZeroAndEndsWithTheFaultResult() {
    String listing = listing(compile(JDK), "Jdk");

    List<String> parse = program(listing, "parse");
    List<String> divide = instructionTexts(statement(parse, "int q = len / family;"));
    assertTrue(divide.stream().anyMatch(l -> l.matches("if w\\d == 0 goto .*")), divide::toString);
    // The fault block ends the program: -1 for a parser (an error for the kernel) ...
    List<String> all = instructionTexts(instructions(parse));
    assertEquals(List.of("w0 = -1", "exit"), all.subList(all.size() - 2, all.size()));
    // ... and DROP (0) for a verdict.
    List<String> send = instructionTexts(instructions(program(listing, "send")));
    assertEquals(List.of("w0 = 0", "exit"), send.subList(send.size() - 2, send.size()));
  }

  @Test
  void intrinsicsCompileToTheirInstructions() {
    List<String> verdict =
        instructionTexts(instructions(program(listing(compile(JDK), "Jdk"), "verdict")));

    // Integer, Long and Character.reverseBytes are byte swaps of 32, 64 and 16 bits ...
    for (String swap : List.of("be32", "be64", "be16")) {
      assertTrue(verdict.stream().anyMatch(l -> l.contains(" = " + swap + " ")), swap);
    }
    // ... and Short.reverseBytes sign-extends the swapped half-word again.
    int swap = -1;
    for (int i = 0; i < verdict.size() - 2; i++) {
      if (verdict.get(i).contains(" = be16 ") && verdict.get(i + 1).endsWith("<<= 16")) {
        swap = i;
      }
    }
    assertTrue(swap >= 0, verdict::toString);
    assertTrue(verdict.get(swap + 2).endsWith("s>>= 16"), verdict::toString);
    // compareUnsigned uses the unsigned jumps, 32- and 64-bit.
    assertTrue(
        verdict.stream().anyMatch(l -> l.matches("if w\\d > w\\d goto .*")), verdict::toString);
    assertTrue(
        verdict.stream().anyMatch(l -> l.matches("if r\\d > r\\d goto .*")), verdict::toString);
  }

  @Test
  void aVariableIndexIsCheckedThenAddressedFromTheFramePointer() {
    List<String> parse = program(listing(compile(ARRAYS), "Arrays"), "parse");

    List<String> increment = instructionTexts(statement(parse, "histogram[len & 15]++;"));
    int check = indexOfMatch(increment, "if r\\d >= 16 goto .*");
    assertTrue(check >= 0, increment::toString);
    assertTrue(increment.get(check + 1).endsWith("<<= 2"), increment::toString);
    assertTrue(increment.get(check + 2).endsWith("+= r10"), increment::toString);
    // A constant index needs neither: the element is at a fixed offset from r10.
    List<String> constant = instructionTexts(statement(parse, "histogram[3] ="));
    assertTrue(constant.stream().noneMatch(l -> l.contains("goto")), constant::toString);
    assertTrue(
        constant.get(constant.size() - 1).matches("\\*\\(u32 \\*\\)\\(r10 -\\d+\\) = .*"),
        constant::toString);
  }

  @Test
  void inlinedCallsLeaveOnlyHelperCalls() {
    String listing = listing(compile(CALLS), "Calls");

    for (String program : List.of("parse", "verdict", "send")) {
      for (String insn : instructionTexts(instructions(program(listing, program)))) {
        if (insn.startsWith("call ")) {
          assertTrue(
              insn.matches("call bpf_(sk|msg)_redirect_hash#\\d+|call bpf_get_socket_cookie#46"),
              insn);
        }
      }
    }
  }

  private static int indexOfMatch(List<String> lines, String regex) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).matches(regex)) {
        return i;
      }
    }
    return -1;
  }

  // ------------------------------------------------------------------------------ helpers

  private static Compilation compile(JavaFileObject... sources) {
    Compilation c = Compiler.javac().withProcessors(new SockmapProcessor()).compile(sources);
    assertThat(c).succeededWithoutWarnings();
    return c;
  }

  private static void assertLoads(Compilation c, String className, List<String> programs) {
    ObjectSpec spec;
    JavaFileObject object = generated(c, className + ".sockmap4j");
    try (InputStream in = object.openInputStream()) {
      spec = ObjectSpec.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (BpfObject loaded = BpfObject.load(spec)) {
      assertEquals(programs, loaded.programNames());
    } catch (VerifierException e) {
      fail(
          e.getMessage()
              + "\n\nfull verifier log:\n"
              + e.verifierLog()
              + "\n\nlisting:\n"
              + listing(c, className),
          e);
    }
  }

  private static JavaFileObject generated(Compilation c, String name) {
    return c.generatedFile(StandardLocation.CLASS_OUTPUT, "lang", name)
        .orElseThrow(() -> new AssertionError("no resource lang/" + name));
  }

  private static String listing(Compilation c, String className) {
    try {
      return generated(c, className + ".sockmap4j.txt").getCharContent(true).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines of one program's section of a class listing. */
  private static List<String> program(String listing, String name) {
    List<String> lines = new ArrayList<>();
    boolean inside = false;
    for (String line : listing.lines().toList()) {
      if (line.startsWith("program ")) {
        inside = line.startsWith("program " + name + ":");
      } else if (inside && !line.isEmpty()) {
        lines.add(line);
      }
    }
    assertFalse(lines.isEmpty(), () -> "no program " + name + " in\n" + listing);
    return lines;
  }

  /** The instruction lines printed under the source line that contains {@code source}. */
  private static List<String> statement(List<String> program, String source) {
    List<String> lines = new ArrayList<>();
    boolean inside = false;
    for (String line : program) {
      if (line.startsWith(";")) {
        inside = line.contains(source);
      } else if (inside) {
        lines.add(line);
      }
    }
    return lines;
  }

  private static List<String> instructions(List<String> program) {
    return program.stream().filter(l -> !l.startsWith(";")).toList();
  }

  /** Instruction lines without their slot: {@code " 12: r0 = r7"} becomes {@code "r0 = r7"}. */
  private static List<String> instructionTexts(List<String> lines) {
    return lines.stream().map(l -> l.substring(l.indexOf(':') + 1).trim()).toList();
  }

  /** Whether exactly one instruction ends with {@code suffix}. */
  private static boolean endsWithOne(List<String> lines, String suffix) {
    return instructionTexts(lines).stream().filter(l -> l.endsWith(suffix)).count() == 1;
  }
}
