using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace TeEFusion.Service.Tests.Telemetry;

/// <summary>
/// A logger that writes through one console formatter, with real scope handling, into a string: what the console would
/// show, without the console logger's background writer.
/// </summary>
internal sealed class FormattedLog(ConsoleFormatter formatter) : ILogger
{
    private readonly LoggerExternalScopeProvider _scopes = new();
    private readonly StringWriter _output = new();

    /// <summary>Through the formatter that a host's console logger picks under its settings, with the options it binds for it.</summary>
    public static FormattedLog OfConsole(IServiceProvider services)
    {
        var name = services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName;
        return new FormattedLog(services.GetServices<ConsoleFormatter>().Single(f => f.Name == name));
    }

    public string Text => _output.ToString();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => _scopes.Push(state);

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> format) =>
        formatter.Write(new LogEntry<TState>(logLevel, "TeEFusion.Test", eventId, state, exception, format), _scopes, _output);
}
