namespace TeEFusion.Service.Health;

/// <summary>Marks the service as draining the moment the host starts stopping (SIGTERM), before any hosted service stops.</summary>
public sealed class DrainOnStopping(IHostApplicationLifetime lifetime, ServiceHealth health, ILogger<DrainOnStopping> logger) : IHostedService
{
    private CancellationTokenRegistration _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStopping.Register(() =>
        {
            health.Draining = true;
            logger.LogInformation("Shutdown requested: draining, readiness now fails and new work is refused");
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _registration.DisposeAsync().AsTask();
}
