package io.sockmap4j.runtime;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link PinTest}: {@code install <dir> <map> <program> <mode>} loads {@link
 * TestSpecs#echo} pinned under {@code dir} and exits without closing (the kernel setup must outlive
 * this JVM); {@code remove <dir> <map> <program>} reopens it, checks a map operation, and removes
 * it. Prints the kernel ids it saw as {@code ids <prog> <map> <link>}.
 */
public final class PinnedSetupMain {

  private PinnedSetupMain() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[1]);
    ObjectSpec spec = TestSpecs.echo(args[2], args[3]);
    if (args[0].equals("install")) {
      BpfObject object =
          BpfObject.load(
              spec, AttachOptions.defaults().mode(AttachMode.valueOf(args[4])).pinTo(dir));
      printIds(object);
      // Deliberately not closed: the process exits, only the pins hold the setup.
      System.exit(0);
    }
    try (BpfObject object = BpfObject.openPinned(spec, dir)) {
      printIds(object);
      BpfMap map = object.map(args[2]);
      if (map.nextKey(null) == null) {
        throw new AssertionError("a reopened SOCKMAP lists its indexes as keys");
      }
      object.remove();
    }
  }

  private static void printIds(BpfObject object) {
    Attachment attachment = object.attachments().get(0);
    System.out.println(
        "ids "
            + object.programIds().get(0)
            + " "
            + object.mapIds().get(0)
            + " "
            + attachment.linkId()
            + " "
            + attachment.mode());
  }
}
