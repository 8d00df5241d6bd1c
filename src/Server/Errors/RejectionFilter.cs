namespace TextClassification.Server.Errors;

/// <summary>
/// Short-circuits an endpoint whose bound input was rejected while binding (wrong media type, unreadable or invalid
/// body), so that its handler only ever sees accepted input (TodoApi's ValidationFilter, for hand-parsed bodies).
/// </summary>
internal static class RejectionFilter
{
    public static TBuilder RejectInvalidInput<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory(static (factory, next) =>
        {
            int[] inputs = [.. factory.MethodInfo.GetParameters()
                .Select((parameter, index) => (parameter, index))
                .Where(p => typeof(IRejectableInput).IsAssignableFrom(p.parameter.ParameterType))
                .Select(p => p.index)];
            if (inputs.Length == 0)
            {
                return next;
            }
            return invocation =>
            {
                foreach (int index in inputs)
                {
                    if (invocation.Arguments[index] is IRejectableInput { Rejection: { } rejection })
                    {
                        return ValueTask.FromResult<object?>(rejection);
                    }
                }
                return next(invocation);
            };
        });
}
