package io.genie4j.cli;

import io.genie4j.env.Env;
import io.genie4j.env.Json;
import io.genie4j.env.registry.EnvOption;
import io.genie4j.env.registry.EnvRegistration;
import io.genie4j.env.registry.Envs;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code genie4j envs}: every registered environment with its spaces and options. */
@Command(
        name = "envs",
        mixinStandardHelpOptions = true,
        description =
                "List every registered environment id with its action and observation spaces.")
final class EnvsCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (EnvRegistration reg : Envs.registrations()) {
            rows.add(describe(reg));
        }
        if (json) {
            out.println(Json.write(rows));
        } else {
            printTable(out, rows);
        }
        out.flush();
        return 0;
    }

    /** The registration plus the spaces of an env made with default options. */
    static Map<String, Object> describe(EnvRegistration reg) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", reg.id());
        m.put("description", reg.description());
        try (Env<?, ?> env = Envs.make(reg.id())) {
            m.put("action_space", env.actionSpace().toJson());
            m.put("observation_space", env.observationSpace().toJson());
            m.put("spec", env.spec().toJson());
        } catch (RuntimeException e) {
            m.put("error", "could not make with default options: " + e.getMessage());
        }
        List<Object> options = new ArrayList<>();
        for (EnvOption o : reg.options()) {
            Map<String, Object> om = new LinkedHashMap<>();
            om.put("name", o.name());
            om.put("type", o.type().name().toLowerCase(java.util.Locale.ROOT));
            om.put("default", o.defaultValue());
            if (!o.choices().isEmpty()) {
                om.put("choices", o.choices());
            }
            om.put("description", o.description());
            options.add(om);
        }
        m.put("options", options);
        return m;
    }

    private static void printTable(PrintWriter out, List<Map<String, Object>> rows) {
        String fmt = "%-14s %-28s %-36s %s%n";
        out.printf(fmt, "ID", "ACTIONS", "OBSERVATIONS", "DESCRIPTION");
        for (Map<String, Object> r : rows) {
            out.printf(
                    fmt,
                    r.get("id"),
                    space(r.get("action_space")),
                    space(r.get("observation_space")),
                    r.get("description"));
            if (r.containsKey("error")) {
                out.printf("%14s %s%n", "", r.get("error"));
            }
            for (Object o : (List<?>) r.get("options")) {
                Map<?, ?> om = (Map<?, ?>) o;
                out.printf(
                        "%14s   option %s = %s  (%s) %s%n",
                        "",
                        om.get("name"),
                        om.get("default"),
                        om.containsKey("choices") ? om.get("choices") : om.get("type"),
                        om.get("description"));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static String space(Object json) {
        if (!(json instanceof Map)) {
            return "?";
        }
        Map<String, Object> m = (Map<String, Object>) json;
        return switch (String.valueOf(m.get("type"))) {
            case "Discrete" -> "Discrete(" + m.get("n") + ")";
            case "Box" ->
                    "Box("
                            + m.get("low")
                            + ", "
                            + m.get("high")
                            + ", "
                            + m.get("shape")
                            + ", "
                            + m.get("dtype")
                            + ")";
            default -> Json.write(m);
        };
    }
}
