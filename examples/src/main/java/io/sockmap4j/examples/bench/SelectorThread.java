package io.sockmap4j.examples.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One event-loop thread: a selector, a queue of channels handed over by other threads (registered
 * on the loop thread, so registration never waits on a blocked {@code select}), and a handler for
 * each ready key. The backend and the Java proxy each run one per core.
 */
final class SelectorThread<T> implements AutoCloseable {
  /** What the loop does with a ready key and with a newly handed-over channel. */
  interface Handler<T> {
    void ready(SelectionKey key) throws IOException;

    /** Registers {@code item} (channels handed over by another thread) with the loop's selector. */
    void adopt(T item, Selector selector) throws IOException;

    /** Closes {@code item} when the loop could not take it or is closing. */
    void discard(T item);
  }

  private final Selector selector;
  private final Handler<T> handler;
  private final Queue<T> handedOver = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean running = true;

  SelectorThread(String name, Handler<T> handler) {
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.handler = handler;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Hands {@code item} (its channels non-blocking) to the loop. */
  void adopt(T item) {
    handedOver.add(item);
    selector.wakeup();
  }

  private void run() {
    try {
      while (running) {
        selector.select();
        for (T item; (item = handedOver.poll()) != null; ) {
          try {
            handler.adopt(item, selector);
          } catch (IOException e) {
            handler.discard(item);
          }
        }
        for (SelectionKey key : selector.selectedKeys()) {
          if (!key.isValid()) {
            continue;
          }
          try {
            handler.ready(key);
          } catch (IOException | RuntimeException e) {
            key.cancel();
            closeQuietly((SocketChannel) key.channel());
          }
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException | ClosedSelectorException e) {
      // closing
    }
  }

  static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // nothing more to do
    }
  }

  /** Stops the loop and closes every channel it held. */
  @Override
  public void close() {
    running = false;
    selector.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (SelectionKey key : selector.keys()) {
      closeQuietly(key.channel());
    }
    for (T item; (item = handedOver.poll()) != null; ) {
      handler.discard(item);
    }
    closeQuietly(selector);
  }
}
