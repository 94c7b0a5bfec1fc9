package io.genie4j.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void valuesRoundTripWithTheirJavaTypes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("int", 3L);
        m.put("big", 1L << 40);
        m.put("real", 2.5);
        m.put("whole", 2.0);
        m.put("s", "quote \" slash \\ newline \n tab \t é ✓");
        m.put("list", List.of(1L, "x", true, Map.of()));
        m.put("none", null);
        String text = Json.write(m);
        assertEquals(m, Json.parse(text));
        assertTrue(text.contains("\"whole\":2.0"), text);
    }

    @Test
    void keyOrderIsKept() {
        Map<String, Object> m = Json.parseObject("{\"b\":1,\"a\":2,\"c\":3}");
        assertEquals(List.of("b", "a", "c"), List.copyOf(m.keySet()));
    }

    @Test
    void unicodeEscapesAndControlCharacters() {
        assertEquals("é\u0001", Json.parse("\"\\u00e9\\u0001\""));
        assertEquals("\"\\u0001\"", Json.write("\u0001"));
    }

    @Test
    void badInputNamesTheOffset() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": tru}"));
        // The offset is where the bad token ends, and the token is named.
        assertTrue(e.getMessage().startsWith("invalid JSON at offset 9"), e.getMessage());
        assertTrue(e.getMessage().contains("'tru'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1, 2"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{} extra"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"unterminated"));
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]"));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        char[] open = new char[100_000];
        Arrays.fill(open, '[');
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Json.parse(new String(open)));
        assertTrue(e.getMessage().contains("deeper"), e.getMessage());
    }
}
