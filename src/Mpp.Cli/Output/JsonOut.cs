using System.Text.Encodings.Web;
using System.Text.Json;

namespace Mpp.Cli.Output;

/// <summary>
/// Every <c>--json</c> output: one indented JSON value on stdout and a newline, written with <see cref="Utf8JsonWriter"/>
/// (no reflection: AOT-safe), not HTML-escaped (the output is for scripts, never embedded in a page).
/// </summary>
internal static class JsonOut
{
    public static void Write(CliConsole console, Action<Utf8JsonWriter> write)
    {
        console.Out.Flush();
        using var stdout = Console.OpenStandardOutput();
        using (var json = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(json);
        }

        stdout.WriteByte((byte)'\n');
    }
}
