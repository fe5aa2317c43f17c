package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.sockmap4j.runtime.testing.KernelTest;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Netty's epoll channels go into sockmaps through {@link Sockets#fd(Object)}, which reads their fd
 * by reflection: the runtime has no Netty dependency, this test has the real Netty.
 */
@ExtendWith(KernelLeakCheck.class)
class NettySocketsTest {

  private static final String SOCKS = TestNames.of("netty");
  private static final InetSocketAddress LOOPBACK =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private EventLoopGroup group;

  @BeforeEach
  void startNetty() {
    assumeTrue(
        Epoll.isAvailable(), () -> "Netty epoll unavailable: " + Epoll.unavailabilityCause());
    group = new EpollEventLoopGroup(1);
  }

  @AfterEach
  void stopNetty() {
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void readsTheFdOfEpollChannelsWithoutFlags() throws Exception {
    Channel server = listen(new ChannelInboundHandlerAdapter());
    try {
      int fd = Sockets.fd(server);
      assertEquals(((EpollServerSocketChannel) server).fd().intValue(), fd);
      assertEquals(
          ((InetSocketAddress) server.localAddress()).getPort(), SocketsTest.localPortOf(fd));
      assertEquals(fd, Sockets.fd(((EpollServerSocketChannel) server).fd()));
    } finally {
      server.close().sync();
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Sockets.fd(server));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void unsupportedObjectsListTheSupportedKinds() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Sockets.fd("not a socket"));
    assertTrue(
        e.getMessage().startsWith("cannot read a socket file descriptor from a java.lang.String"),
        e.getMessage());
    assertTrue(e.getMessage().contains("io.netty.channel.unix.UnixChannel"), e.getMessage());
    assertTrue(e.getMessage().endsWith("for anything else pass the int fd"), e.getMessage());
  }

  /**
   * The accepted EpollSocketChannel goes to index 0 of a map whose verdict sends everything back
   * out of index 0: the kernel echoes what the Netty client writes, and the Netty server never sees
   * it.
   */
  @KernelTest
  void connectedEpollChannelsAreInsertedAndCarryTraffic() throws Exception {
    BlockingQueue<Channel> accepted = new ArrayBlockingQueue<>(1);
    BlockingQueue<String> serverRead = new ArrayBlockingQueue<>(16);
    Channel server =
        listen(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelActive(ChannelHandlerContext ctx) {
                accepted.add(ctx.channel());
              }

              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                serverRead.add(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
                ((ByteBuf) msg).release();
              }
            });
    ByteArrayOutputStream echoed = new ByteArrayOutputStream();
    Object lock = new Object();
    Channel client =
        new Bootstrap()
            .group(group)
            .channel(EpollSocketChannel.class)
            .handler(
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf buf = (ByteBuf) msg;
                    synchronized (lock) {
                      byte[] bytes = new byte[buf.readableBytes()];
                      buf.readBytes(bytes);
                      echoed.writeBytes(bytes);
                      lock.notifyAll();
                    }
                    buf.release();
                  }
                })
            .connect(server.localAddress())
            .sync()
            .channel();
    try (BpfObject object = BpfObject.load(TestSpecs.echo(SOCKS))) {
      Channel child = accepted.poll(10, TimeUnit.SECONDS);
      SockMapHandle socks = new SockMapHandle(object.map(SOCKS));
      socks.put(0, Sockets.fd(child));
      socks.put(1, Sockets.fd(server));
      assertEquals(OptionalLong.of(Sockets.cookie(child)), socks.cookie(0));
      assertEquals(OptionalLong.of(Sockets.cookie(server)), socks.cookie(1));

      byte[] message = "through the kernel, not through Netty".getBytes(StandardCharsets.US_ASCII);
      client.writeAndFlush(Unpooled.wrappedBuffer(message)).sync();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      synchronized (lock) {
        while (echoed.size() < message.length && System.nanoTime() < deadline) {
          lock.wait(100);
        }
        assertArrayEquals(message, echoed.toByteArray());
      }
      assertEquals(List.of(), List.copyOf(serverRead), "the verdict took the bytes");
    } finally {
      client.close().sync();
      server.close().sync();
    }
  }

  @KernelTest
  void boundEpollDatagramChannelIsInserted() throws Exception {
    Channel udp =
        new Bootstrap()
            .group(group)
            .channel(EpollDatagramChannel.class)
            .handler(new ChannelInboundHandlerAdapter())
            .bind(LOOPBACK)
            .sync()
            .channel();
    try (BpfObject object =
        BpfObject.load(new ObjectSpec("GPL", List.of(TestSpecs.sockmap(SOCKS, 2)), List.of()))) {
      SockMapHandle socks = new SockMapHandle(object.map(SOCKS));
      socks.put(0, Sockets.fd(udp));
      assertEquals(OptionalLong.of(Sockets.cookie(udp)), socks.cookie(0));
    } finally {
      udp.close().sync();
    }
  }

  private Channel listen(ChannelInboundHandlerAdapter handler) throws InterruptedException {
    return new ServerBootstrap()
        .group(group)
        .channel(EpollServerSocketChannel.class)
        .childHandler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline().addLast(handler);
              }
            })
        .bind(LOOPBACK)
        .sync()
        .channel();
  }
}
