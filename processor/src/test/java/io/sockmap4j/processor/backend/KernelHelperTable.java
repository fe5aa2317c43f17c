package io.sockmap4j.processor.backend;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads helper ids from the {@code __BPF_FUNC_MAPPER} list of {@code include/uapi/linux/bpf.h}.
 *
 * <p>Two header generations exist. Up to 6.1 the list is positional ({@code FN(unspec),
 * FN(map_lookup_elem), ...}) and the id is the index, as it feeds {@code enum bpf_func_id}. From
 * 6.2 on it is {@code ___BPF_FUNC_MAPPER(FN, ctx...)} with explicit ids ({@code FN(map_lookup_elem,
 * 1, ##ctx)}). Both are read; an explicit id wins over the position.
 */
final class KernelHelperTable {
  private static final Pattern MAPPER =
      Pattern.compile("#define\\s+_{2,3}BPF_FUNC_MAPPER\\s*\\(FN[^)]*\\)");
  private static final Pattern ENTRY =
      Pattern.compile("FN\\(\\s*(\\w+)\\s*(?:,\\s*(\\d+)\\s*)?(?:,[^)]*)?\\)");

  private KernelHelperTable() {}

  /**
   * The helper ids by name (without the {@code bpf_} prefix), in header order.
   *
   * @throws IllegalArgumentException if the header has no helper list
   */
  static Map<String, Integer> parse(String header) {
    Matcher mapper = MAPPER.matcher(header);
    if (!mapper.find()) {
      throw new IllegalArgumentException("no __BPF_FUNC_MAPPER or ___BPF_FUNC_MAPPER definition");
    }
    String body = macroBody(header, mapper.end());
    Map<String, Integer> ids = new LinkedHashMap<>();
    Matcher entry = ENTRY.matcher(body);
    int position = 0;
    while (entry.find()) {
      int id = entry.group(2) != null ? Integer.parseInt(entry.group(2)) : position;
      ids.put(entry.group(1), id);
      position++;
    }
    return ids;
  }

  /** The text of a macro definition: up to the first line not ending in a backslash. */
  private static String macroBody(String header, int start) {
    StringBuilder body = new StringBuilder();
    int lineStart = start;
    while (lineStart < header.length()) {
      int lineEnd = header.indexOf('\n', lineStart);
      if (lineEnd < 0) {
        lineEnd = header.length();
      }
      String line = header.substring(lineStart, lineEnd).stripTrailing();
      body.append(line).append('\n');
      if (!line.endsWith("\\")) {
        break;
      }
      lineStart = lineEnd + 1;
    }
    return body.toString();
  }
}
