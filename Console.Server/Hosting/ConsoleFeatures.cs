using SecurityConsole.Server.Common;

namespace SecurityConsole.Server.Hosting;

/// <summary>
/// The features Program.cs lists, once: each registers its services here, and is registered itself as an
/// <see cref="IConsoleFeature"/>, so that mapping, preparation and recurring jobs (<see cref="ConsoleHost"/>) loop over the
/// same list in the same order. Hosting names no feature.
/// </summary>
public static class ConsoleFeatures
{
    public static WebApplicationBuilder AddConsoleFeatures(this WebApplicationBuilder builder, ConsoleSettings settings, params IConsoleFeature[] features)
    {
        foreach (var feature in features)
        {
            feature.AddServices(builder, settings);
            builder.Services.AddSingleton(feature);
        }
        // Jobs:Schedules names the features' recurring jobs: checked here, once they are known and before the database is touched.
        builder.Services.AddSingleton(RecurringJobSchedules.Read(builder.Configuration, features));
        return builder;
    }

    /// <summary>The features in the order Program.cs lists them.</summary>
    public static IEnumerable<IConsoleFeature> Of(IServiceProvider services) => services.GetServices<IConsoleFeature>();

    public static void MapConsoleFeatures(this WebApplication app)
    {
        foreach (var feature in Of(app.Services))
        {
            feature.MapEndpoints(app);
        }
    }
}
