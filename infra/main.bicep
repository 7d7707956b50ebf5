// SupportBot in Azure: one resource group per environment.
//
//   user-assigned managed identity ── the bot's app id (Azure Bot, UserAssignedMSI), image pull, Key Vault,
//                                      Azure OpenAI and Microsoft Graph; it has no secret
//   Log Analytics + Application Insights
//   Key Vault (RBAC, purge protection) ── Redis connection string, ticket system secret, Direct Line secret
//   Azure Cache for Redis (TLS only) ──── shared conversation state for every replica
//   Azure OpenAI ─────────────────────── chat + embeddings deployments, keys disabled
//   Container Apps ───────────────────── the image from ../Dockerfile, 2+ replicas, probes on /healthz
//   Azure Bot ────────────────────────── Teams, Slack (when configured) and Direct Line channels
//
// Deploy: docs/deploy.md. Why Container Apps and how secrets flow: docs/decisions/0010-deployment.md.

targetScope = 'resourceGroup'

import { ticketSettings, modelDeployment, storedSecretName } from 'modules/types.bicep'

// ---------------------------------------------------------------------------------------------------------------
// Where and what

@description('Environment this deployment is for; part of every resource name.')
@allowed([
  'dev'
  'test'
  'prod'
])
param environmentName string

@description('Short lowercase name (letters and digits) that starts every resource name.')
@minLength(3)
@maxLength(12)
param appName string = 'supportbot'

@description('Azure region of the resources (the Azure Bot itself is global).')
param location string = resourceGroup().location

@description('Container image to run, built from the repository\'s Dockerfile, e.g. contosoacr.azurecr.io/supportbot:1.4.0.')
@minLength(8)
@maxLength(300)
param containerImage string

@description('Name of the Azure Container Registry in this resource group that holds the image (the bot pulls it with its managed identity).')
@minLength(5)
@maxLength(50)
param containerRegistryName string

@description('Resources of one replica: small = 0.5 vCPU / 1 GiB, medium = 1 vCPU / 2 GiB, large = 2 vCPU / 4 GiB.')
@allowed([
  'small'
  'medium'
  'large'
])
param containerSize string = 'small'

@description('Replicas that always run; at least two so a restart or a zone hiccup never takes the bot away.')
@minValue(2)
@maxValue(30)
param minReplicas int = 2

@description('Most replicas under load.')
@minValue(2)
@maxValue(30)
param maxReplicas int = 6

@description('Concurrent HTTP requests per replica before another replica is added.')
@minValue(5)
@maxValue(500)
param concurrentRequestsPerReplica int = 40

@description('Tags for every resource.')
param tags object = {}

// ---------------------------------------------------------------------------------------------------------------
// The bot registration and its channels

@description('Name shown in Teams, Slack and web chat (Bot:Name).')
@minLength(1)
@maxLength(42)
param botDisplayName string = 'SupportBot'

@description('Azure Bot pricing tier: F0 (free, standard channels capped) or S1.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'S1'

@description('Slack app client id. Empty = no Slack channel. With it, slackClientSecret, slackSigningSecret and slackVerificationToken are needed too (docs/deploy.md, "Slack").')
@maxLength(100)
param slackClientId string = ''

@description('Slack app client secret.')
@secure()
param slackClientSecret string = ''

@description('Slack app signing secret.')
@secure()
param slackSigningSecret string = ''

@description('Slack app verification token.')
@secure()
param slackVerificationToken string = ''

@description('Secrets you stored in the Key Vault by hand (docs/deploy.md, step 6), each passed to the bot as a Key Vault reference to the setting of the same name (DirectLine--Secret is DirectLine:Secret). List a secret only once it exists: a reference to a missing secret stops the new revision from starting.')
param storedSecrets storedSecretName[] = []

@description('More plain (never secret) bot settings as environment variables, Section__Key to value, e.g. { Slack__TeamId: \'T0123ABCD\' }. They win over the values this template derives.')
param extraSettings object = {}

// ---------------------------------------------------------------------------------------------------------------
// State, models, secrets

@description('Azure Cache for Redis tier: Basic (no replica, no SLA: dev only), Standard or Premium.')
@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param redisSku string = 'Standard'

@description('Azure Cache for Redis size: 0-6 (C0-C6) for Basic and Standard, 1-5 (P1-P5) for Premium.')
@minValue(0)
@maxValue(6)
param redisCapacity int = 1

@description('Region of the Azure OpenAI account (the chosen models must be offered there).')
param openAiLocation string = location

@description('Chat model for generative answers and ticket summaries (AzureOpenAI:Deployment).')
param chatModel modelDeployment = {
  name: 'chat'
  model: 'gpt-4o-mini'
  version: '2024-07-18'
  sku: 'GlobalStandard'
  capacity: 30
}

@description('Embeddings model for hybrid knowledge search (AzureOpenAI:EmbeddingDeployment).')
param embeddingModel modelDeployment = {
  name: 'embeddings'
  model: 'text-embedding-3-small'
  version: '1'
  sku: 'GlobalStandard'
  capacity: 30
}

@description('Days Log Analytics keeps logs, including the self-help audit lines.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 90

@description('Object id of the person or group who stores secrets by hand (the Direct Line secret, rotations): gets Key Vault Secrets Officer. Empty = nobody (grant it yourself).')
@maxLength(36)
param keyVaultAdminPrincipalId string = ''

@description('What keyVaultAdminPrincipalId is.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param keyVaultAdminPrincipalType string = 'User'

// ---------------------------------------------------------------------------------------------------------------
// What the bot does

@description('The ticket system handoffs are filed in (Tickets:System and its Tickets:ServiceNow:* or Tickets:Jira:* settings).')
param tickets ticketSettings

@description('The ServiceNow integration user\'s password or the Jira API token; stored in Key Vault as Tickets--ServiceNow--Password or Tickets--Jira--ApiToken.')
@secure()
@minLength(1)
param ticketSystemSecret string

@description('People whose tickets get one priority level more (Tickets:VipUsers).')
param vipUsers string[] = []

@description('Self-help actions: Graph = your tenant through Microsoft Graph with the managed identity (grant its Graph permissions first: README, "Self-help actions"); Sandbox = the built-in demo tenant.')
@allowed([
  'Graph'
  'Sandbox'
])
param selfHelpMode string = 'Graph'

@description('Self-help action ids switched off (SelfHelp:Disabled), e.g. device.restart, or * for all.')
param disabledSelfHelpActions string[] = []

// ---------------------------------------------------------------------------------------------------------------

var suffix = take(uniqueString(subscription().id, resourceGroup().id, appName, environmentName), 6)
var names = {
  identity: 'id-${appName}-${environmentName}'
  workspace: 'log-${appName}-${environmentName}'
  appInsights: 'appi-${appName}-${environmentName}'
  keyVault: 'kv-${appName}-${suffix}'
  redis: 'redis-${appName}-${environmentName}-${suffix}'
  openAi: 'oai-${appName}-${environmentName}-${suffix}'
  containerEnvironment: 'cae-${appName}-${environmentName}'
  containerApp: 'ca-${appName}-${environmentName}'
  bot: 'bot-${appName}-${environmentName}-${suffix}'
}
var allTags = union(tags, {
  application: 'SupportBot'
  environment: environmentName
})
var sizes = {
  small: {
    cpu: '0.5'
    memory: '1Gi'
  }
  medium: {
    cpu: '1.0'
    memory: '2Gi'
  }
  large: {
    cpu: '2.0'
    memory: '4Gi'
  }
}

// Key Vault secret names follow the Key Vault configuration provider's convention (-- for :).
var redisSecretName = 'ConnectionStrings--Redis'
var ticketSecretKey = tickets.System == 'ServiceNow' ? 'Password' : 'ApiToken'
var ticketSecretName = 'Tickets--${tickets.System}--${ticketSecretKey}'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    location: location
    name: names.identity
    tags: allTags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    retentionInDays: logRetentionInDays
    identityName: identity.outputs.name
    tags: allTags
  }
}

module keyVault 'modules/keyVault.bicep' = {
  name: 'keyVault'
  params: {
    location: location
    name: names.keyVault
    identityName: identity.outputs.name
    keyVaultAdminPrincipalId: keyVaultAdminPrincipalId
    keyVaultAdminPrincipalType: keyVaultAdminPrincipalType
    ticketSystemSecretName: ticketSecretName
    ticketSystemSecret: ticketSystemSecret
    tags: allTags
  }
}

module redis 'modules/redis.bicep' = {
  name: 'redis'
  params: {
    location: location
    name: names.redis
    skuName: redisSku
    capacity: redisCapacity
    keyVaultName: keyVault.outputs.name
    connectionStringSecretName: redisSecretName
    tags: allTags
  }
}

module openAi 'modules/openAi.bicep' = {
  name: 'openAi'
  params: {
    location: openAiLocation
    name: names.openAi
    chat: chatModel
    embeddings: embeddingModel
    identityName: identity.outputs.name
    tags: allTags
  }
}

var graphSettings = selfHelpMode == 'Graph'
  ? {
      SelfHelp__Graph__UseManagedIdentity: 'true'
      SelfHelp__Graph__ClientId: identity.outputs.clientId
      SelfHelp__Graph__TenantId: tenant().tenantId
    }
  : {}

var ticketSettingsEnv = toObject(
  filter(items(tickets), p => p.key != 'System' && !empty(p.value)),
  p => 'Tickets__${tickets.System}__${p.key}',
  p => p.value
)

var settings = union(
  {
    ASPNETCORE_ENVIRONMENT: 'Production'
    // Container Apps terminates TLS: trust its X-Forwarded-For/-Proto so sign-in redirects and links are https.
    ASPNETCORE_FORWARDEDHEADERS_ENABLED: 'true'
    MicrosoftAppType: 'UserAssignedMSI'
    MicrosoftAppId: identity.outputs.clientId
    MicrosoftAppTenantId: tenant().tenantId
    // DefaultAzureCredential (Azure OpenAI) picks the user-assigned identity by this.
    AZURE_CLIENT_ID: identity.outputs.clientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.appInsightsConnectionString
    Bot__Name: botDisplayName
    AzureOpenAI__Kind: 'AzureOpenAI'
    AzureOpenAI__Endpoint: openAi.outputs.endpoint
    AzureOpenAI__Deployment: openAi.outputs.chatDeploymentName
    AzureOpenAI__EmbeddingDeployment: openAi.outputs.embeddingsDeploymentName
    SelfHelp__Mode: selfHelpMode
    Tickets__System: tickets.System
  },
  graphSettings,
  ticketSettingsEnv,
  toObject(range(0, length(vipUsers)), i => 'Tickets__VipUsers__${i}', i => vipUsers[i]),
  toObject(range(0, length(disabledSelfHelpActions)), i => 'SelfHelp__Disabled__${i}', i => disabledSelfHelpActions[i]),
  extraSettings
)

var secretSettings = concat(
  [
    {
      env: 'ConnectionStrings__Redis'
      secretUri: redis.outputs.connectionStringUri
    }
    {
      env: 'Tickets__${tickets.System}__${ticketSecretKey}'
      secretUri: keyVault.outputs.ticketSystemSecretUri
    }
  ],
  map(storedSecrets, secret => {
    env: replace(secret, '--', '__')
    secretUri: '${keyVault.outputs.uri}secrets/${secret}'
  })
)

module containerApp 'modules/containerApp.bicep' = {
  name: 'containerApp'
  params: {
    location: location
    environmentName: names.containerEnvironment
    name: names.containerApp
    workspaceId: monitoring.outputs.workspaceId
    image: containerImage
    registryName: containerRegistryName
    identityName: identity.outputs.name
    cpu: sizes[containerSize].cpu
    memory: sizes[containerSize].memory
    minReplicas: minReplicas
    maxReplicas: max(minReplicas, maxReplicas)
    concurrentRequestsPerReplica: concurrentRequestsPerReplica
    settings: settings
    secretSettings: secretSettings
    tags: allTags
  }
}

module bot 'modules/bot.bicep' = {
  name: 'bot'
  params: {
    name: names.bot
    displayName: botDisplayName
    sku: botSku
    appFqdn: containerApp.outputs.fqdn
    identityName: identity.outputs.name
    slackClientId: slackClientId
    slackClientSecret: slackClientSecret
    slackSigningSecret: slackSigningSecret
    slackVerificationToken: slackVerificationToken
    tags: allTags
  }
}

output appUrl string = containerApp.outputs.url
output messagingEndpoint string = bot.outputs.messagingEndpoint
output botName string = bot.outputs.name
output botAppId string = identity.outputs.clientId
output containerAppName string = containerApp.outputs.name
output keyVaultName string = keyVault.outputs.name
output openAiEndpoint string = openAi.outputs.endpoint
