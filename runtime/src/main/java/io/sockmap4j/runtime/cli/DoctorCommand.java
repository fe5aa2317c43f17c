package io.sockmap4j.runtime.cli;

import io.sockmap4j.runtime.Doctor;
import io.sockmap4j.runtime.DoctorReport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sockmap4j doctor}: prints what {@link Doctor} finds; exits 0 when sockmap4j can work. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Checks what this kernel and process can do for sockmap4j, by asking the kernel: bpf(),"
          + " capabilities, memlock, SOCKMAP/SOCKHASH, SK_SKB, SK_MSG, socket insertion, and"
          + " more. Prints the fix for everything missing.",
      "Exit code 0 when everything sockmap4j needs works, 1 otherwise."
    })
final class DoctorCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print the report as one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    DoctorReport report = Doctor.examine();
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? report.toJson() + System.lineSeparator() : report.toText());
    out.flush();
    return report.exitCode();
  }
}
