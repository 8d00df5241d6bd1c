using TextClassification.Model.Inference;

namespace TextClassification.Server.Inference;

/// <summary>
/// Runs a freshly loaded model through the request path before it is published, so that readiness means "fast", not
/// only "loaded" (<see cref="ModelFactory"/> calls every registered one; an exception fails the load).
/// </summary>
internal interface IModelWarmup
{
    void Run(Predictor predictor);
}
