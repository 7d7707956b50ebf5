// The bot on Azure Container Apps: a Consumption workload-profile environment that sends its logs to Log Analytics
// through diagnostic settings (no workspace key), and one Container App running the image built from the
// repository's Dockerfile. Settings are environment variables in the bot's own Section__Key form; secrets are
// Container App secrets that are Key Vault references resolved with the managed identity.

@description('Azure region.')
param location string

@description('Name of the Container Apps environment.')
@minLength(2)
@maxLength(60)
param environmentName string

@description('Name of the Container App (lowercase letters, digits and hyphens; 2-32 characters).')
@minLength(2)
@maxLength(32)
param name string

@description('Resource id of the Log Analytics workspace that receives the environment\'s logs.')
param workspaceId string

@description('Container image, e.g. contosoacr.azurecr.io/supportbot:1.4.0.')
param image string

@description('Azure Container Registry (in this resource group) the image is pulled from.')
param registryName string

@description('Name of the bot\'s user-assigned managed identity (in this resource group).')
param identityName string

@description('vCPU cores and memory of one replica.')
param cpu string
param memory string

@description('Replicas that always run.')
@minValue(2)
@maxValue(30)
param minReplicas int

@description('Most replicas under load.')
@minValue(2)
@maxValue(30)
param maxReplicas int

@description('Concurrent HTTP requests per replica before another replica is added.')
@minValue(1)
@maxValue(1000)
param concurrentRequestsPerReplica int

@description('Plain settings: environment variable name (Section__Key) to value. Never a secret.')
param settings object

@description('Secret settings: each is read from Key Vault by the managed identity.')
param secretSettings keyVaultSetting[]

@description('Tags for every resource.')
param tags object

@description('A setting whose value is a Key Vault secret.')
type keyVaultSetting = {
  @description('Environment variable, e.g. ConnectionStrings__Redis.')
  env: string

  @description('Versionless Key Vault secret URI (the app picks up a new version within 30 minutes and on restart).')
  secretUri: string
}

// Must match EXPOSE in the Dockerfile (the test suite checks both).
var port = 8080
var acrPull = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource botPullsImages 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, acrPull)
  scope: registry
  properties: {
    roleDefinitionId: acrPull
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    description: 'SupportBot pulls its image with its managed identity.'
  }
}

resource environment 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'azure-monitor'
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
  }
}

resource environmentLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: environment
  properties: {
    workspaceId: workspaceId
    // Resource-specific tables: ContainerAppConsoleLogs (the bot's own log lines) and ContainerAppSystemLogs.
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

var fqdn = '${name}.${environment.properties.defaultDomain}'

// Citation links must point at the public address, not at the replica's http://+:8080 (unless a setting says
// otherwise, e.g. a custom domain).
var allSettings = union(
  {
    Knowledge__PublicBaseUrl: 'https://${fqdn}'
  },
  settings
)

var secrets = [
  for s in secretSettings: {
    name: toLower(replace(s.env, '__', '-'))
    keyVaultUrl: s.secretUri
    identity: identity.id
  }
]

var secretEnv = [
  for s in secretSettings: {
    name: s.env
    secretRef: toLower(replace(s.env, '__', '-'))
  }
]

var plainEnv = map(items(allSettings), s => {
  name: s.key
  value: string(s.value)
})

resource app 'Microsoft.App/containerApps@2025-01-01' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      maxInactiveRevisions: 10
      ingress: {
        external: true
        targetPort: port
        transport: 'auto'
        allowInsecure: false
        traffic: [
          {
            latestRevision: true
            weight: 100
          }
        ]
      }
      registries: [
        {
          server: registry.properties.loginServer
          identity: identity.id
        }
      ]
      secrets: secrets
    }
    template: {
      containers: [
        {
          name: 'supportbot'
          image: image
          resources: {
            cpu: json(cpu)
            memory: memory
          }
          env: concat(plainEnv, secretEnv)
          probes: [
            {
              // Knowledge base indexing happens at start-up: give it up to two minutes before liveness counts.
              type: 'Startup'
              httpGet: {
                path: '/healthz'
                port: port
              }
              periodSeconds: 5
              timeoutSeconds: 3
              failureThreshold: 24
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: port
              }
              periodSeconds: 15
              timeoutSeconds: 3
              failureThreshold: 3
            }
            {
              // Ready whenever the bot runs: during a Redis outage every replica still answers from the knowledge
              // base (docs/decisions/0013); probing /healthz/ready here would take them all out of the ingress at once.
              // /healthz/ready (503 while Redis is unreachable) is for alerts, not routing.
              type: 'Readiness'
              httpGet: {
                path: '/healthz'
                port: port
              }
              periodSeconds: 10
              timeoutSeconds: 3
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http-requests'
            http: {
              metadata: {
                concurrentRequests: string(concurrentRequestsPerReplica)
              }
            }
          }
        ]
      }
    }
  }
  dependsOn: [
    botPullsImages
  ]
}

output name string = app.name
output fqdn string = app.properties.configuration.ingress.fqdn
output url string = 'https://${app.properties.configuration.ingress.fqdn}'
