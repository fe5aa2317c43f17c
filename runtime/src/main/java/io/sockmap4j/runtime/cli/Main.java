package io.sockmap4j.runtime.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sockmap4j} command line, the entry point of the runtime's {@code -cli} jar: {@code
 * java -jar sockmap4j-runtime-<version>-cli.jar doctor}.
 *
 * <p>picocli is an optional dependency of the runtime: library users do not inherit it, and the cli
 * jar carries it (with JNA) inside.
 */
@Command(
    name = "sockmap4j",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Tools for sockmap4j, Java programs that splice sockets in the kernel.",
    subcommands = {DoctorCommand.class, CommandLine.HelpCommand.class})
public final class Main {

  private Main() {}

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, Charset.defaultCharset());
    PrintWriter err = new PrintWriter(System.err, true, Charset.defaultCharset());
    System.exit(run(out, err, args));
  }

  /**
   * Runs the command line, printing to the given writers, and returns its exit code (no subcommand
   * prints the usage and returns 2).
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = new CommandLine(new Main()).setOut(out).setErr(err);
    if (args.length == 0) {
      commandLine.usage(err);
      err.flush();
      return CommandLine.ExitCode.USAGE;
    }
    return commandLine.execute(args);
  }

  /** The version from the jar manifest, where Maven's archiver puts the project version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"sockmap4j " + (version == null ? "(development build)" : version)};
    }
  }
}
